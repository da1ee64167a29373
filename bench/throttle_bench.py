"""``python -m bench throttle``: a live audit under AWS-like throttling, against its bound.

Each round runs the audit twice through the same proxy, alternately: unthrottled (the proxy
counts the requests of every (account, region, operation)), then throttled at ``--rate`` N
requests per second per (account, region, operation) after a burst of N. No client can beat

    bound = unthrottled wall time + (n - N) / N seconds

(with a burst of one request when N < 1: + (n - 1) / N) where n is the busiest (account, region, operation)'s request count: the throttled run's
time is reported as a ratio of that bound (target: at most 1.5), with its ERROR units,
which must be those of the unthrottled run and no more (moto lacks Access Analyzer, so a
bare moto server gives a few ERRORs of its own).
"""
from __future__ import annotations

import os
from pathlib import Path

from pytest_cis_aws.demo.clients import CALLER_ACCOUNT, EstateClients

from .latency import DelayingProxy
from .measure import Measured, MotoServer, cli_env, measured_in_fresh_process
from .seed import Counts, account_ids, seed_estate
from .throttling import Throttle

TARGET_BOUND_RATIO = 1.5


def errors(run: Measured) -> set[str]:
    return {f"{f['control']} {f['test_id']}" for f in run.findings.get("findings", []) if f["status"] == "ERROR"}


def throttle(accounts: int, regions: list[str], scale: int, rate: float, rounds: int, out: Path,
             audit_args, max_workers: list[int] | None = None, latency_ms: float = 0.0,
             reference: str | None = None) -> list[dict]:
    """``reference``: another checkout's plugin folder, timed through the same throttled proxy
    after ours in each round (e.g. main before this work, with botocore's adaptive mode).
    ``max_workers``: --aws-max-workers values, each an unthrottled and a throttled run per round."""
    ids = account_ids(accounts)
    rows: list[dict] = []
    worst = 0.0
    with MotoServer() as server:
        seed_estate(EstateClients(server.url), ids, regions, Counts.scaled(scale))
        limiter = Throttle(None, CALLER_ACCOUNT)
        with DelayingProxy(server.url, latency_ms, limiter) as proxy:
            env = cli_env(proxy.url)
            for n, workers in [(n, w) for n in range(1, rounds + 1) for w in (max_workers or [None])]:
                args = audit_args(ids, regions) + (["--aws-max-workers", str(workers)] if workers else [])
                if workers:
                    print(f"round {n}: --aws-max-workers {workers}")
                limiter.rate = None
                limiter.take_counts()
                label = f"{n}" + (f"-w{workers}" if workers else "")
                free = measured_in_fresh_process(f"unthrottled-{label}", args, env, out)
                sent, _ = limiter.take_counts()
                (busiest_key, busiest), = sent.most_common(1)
                limiter.rate = rate
                ours = measured_in_fresh_process(f"throttled-{label}", args, env, out)
                _, refused = limiter.take_counts()
                bound = free.wall + max(0.0, busiest - max(1.0, rate)) / rate
                new_errors = errors(ours) - errors(free)
                ratio = ours.wall / bound
                worst = max(worst, ratio)
                rows.append({**free.row(), "errors": len(errors(free))})
                rows.append({**ours.row(), "errors": len(errors(ours)), "new_errors": len(new_errors),
                             "throttled": sum(refused.values()), "busiest": f"{' '.join(busiest_key)} x{busiest}",
                             "bound_s": round(bound, 2), "vs_bound": round(ratio, 2)})
                print(f"round {n}: unthrottled {free.wall:.1f} s, throttled at {rate:g}/s {ours.wall:.1f} s "
                      f"({sum(refused.values())} throttling errors, {len(new_errors)} new ERROR units); "
                      f"busiest {' '.join(busiest_key)} x{busiest}: bound {bound:.1f} s, ratio {ratio:.2f}")
                for unit in sorted(new_errors)[:5]:
                    print(f"  new ERROR: {unit}")
                if reference:
                    theirs = measured_in_fresh_process(
                        f"reference-{label}", args, {**env, "PYTHONPATH": os.pathsep.join([reference, env.get("PYTHONPATH", "")])}, out)
                    _, refused = limiter.take_counts()
                    rows.append({**theirs.row(), "errors": len(errors(theirs)),
                                 "new_errors": len(errors(theirs) - errors(free)),
                                 "throttled": sum(refused.values()), "vs_bound": round(theirs.wall / bound, 2)})
                    print(f"round {n}: reference ({reference}) {theirs.wall:.1f} s, {len(errors(theirs) - errors(free))} "
                          f"new ERROR units, ratio {theirs.wall / bound:.2f} of the bound")
    verdict = "meets" if worst <= TARGET_BOUND_RATIO and all(r.get("new_errors", 0) == 0 for r in rows
                                                             if r["run"].startswith("throttled")) else "MISSES"
    print(f"throttled at {rate:g}/s, {accounts} accounts x {len(regions)} regions: worst {worst:.2f} x the bound, "
          f"{verdict} the target (<= {TARGET_BOUND_RATIO}, no new ERROR unit)")
    return rows
