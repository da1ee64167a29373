"""``python -m bench``: how fast the audit is, on this machine.

    python -m bench live   --accounts 3 --regions us-east-1,eu-west-1 --scale 1
    python -m bench replay --accounts 19 --scale 19
    python -m bench all    (both, with the defaults above)

``live`` seeds a moto server on 127.0.0.1 with a scalable estate (bench/seed.py) and
audits it with the real CLI, serially and with ``-n 2``; then replays the live run's
snapshot, whose wall time is the suite's own share (no AWS at all). ``replay`` records
one richly seeded account, clones it into ``--accounts`` accounts (bench/scale.py)
and replays that with the HTML report on. Every figure comes from the run's own
findings JSON (units, ``aws_calls``) and from the operating system (wall, peak RSS).
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from plugin.demo.clients import EstateClients

from .measure import ROLE, MotoServer, cli_env, measured_in_fresh_process
from .scale import clone_accounts
from .seed import Counts, account_ids, seed_estate

TARGET_WALL_S = 30.0
TARGET_RSS_MIB = 1024.0
LEAN = ["--tb=line", "-p", "no:logging", "-s"]
SOURCE_ACCOUNT = "734512980016"  # distinctive, so rewriting it touches nothing else


def audit_args(accounts: list[str], regions: list[str]) -> list[str]:
    # Two attempts: the bare moto server answers 500 for services it lacks (Access
    # Analyzer), and botocore's backoff on those would be measured instead of the suite.
    return ["--aws-accounts", ",".join(accounts), "--aws-role-name", ROLE, "--aws-regions", ",".join(regions),
            "--aws-max-attempts", "2"]


def live(accounts: int, regions: list[str], scale: int, out: Path) -> list[dict]:
    ids = account_ids(accounts)
    counts = Counts.scaled(scale)
    with MotoServer() as server:
        started = time.perf_counter()
        seed_estate(EstateClients(server.url), ids, regions, counts)
        print(f"seeded {accounts} accounts x {len(regions)} regions with {counts} in {time.perf_counter() - started:.1f} s")
        args = audit_args(ids, regions)
        recorded = out / "live.snapshot.json"
        serial = measured_in_fresh_process("live", [*args, "--aws-snapshot-out", str(recorded)], cli_env(server.url), out)
        parallel = measured_in_fresh_process("live-n2", [*args, "-n", "2"], cli_env(server.url), out)
    replay = measured_in_fresh_process("live-replay", ["--aws-snapshot", str(recorded)], cli_env(None), out)
    rows = [serial.row(), parallel.row(), replay.row()]
    share = 1 - replay.wall / serial.wall if serial.wall else 0.0
    rows[0]["aws_share"] = round(share, 3)  # the part of the live wall time a replay does not need
    return rows


def replay(accounts: int, scale: int, regions: list[str], out: Path, html: bool = True, parallel: bool = False) -> list[dict]:
    with MotoServer() as server:
        started = time.perf_counter()
        seed_estate(EstateClients(server.url), [SOURCE_ACCOUNT], regions, Counts.scaled(scale))
        print(f"seeded 1 account x {len(regions)} regions at scale {scale} in {time.perf_counter() - started:.1f} s")
        recorded = out / "one-account.snapshot.json"
        one = measured_in_fresh_process(
            "record-one-account", [*audit_args([SOURCE_ACCOUNT], regions), "--aws-snapshot-out", str(recorded)],
            cli_env(server.url), out,
        )
    big = clone_accounts(recorded, SOURCE_ACCOUNT, account_ids(accounts - 1) + [SOURCE_ACCOUNT], out / "org.snapshot.json")
    args = ["--aws-snapshot", str(big)]
    if html:
        args += ["--html", str(out / "org-report.html"), "--self-contained-html"]
    rows = [one.row()]
    org = measured_in_fresh_process("org-replay", args, cli_env(None), out)
    rows.append(org.row())
    # pytest's own per-test work dominates a replay (see docs/PERFORMANCE.md): without
    # output capture, log capture and long tracebacks it does less of it.
    rows.append(measured_in_fresh_process("org-replay-lean", [*args, *LEAN], cli_env(None), out).row())
    if parallel:
        rows.append(measured_in_fresh_process("org-replay-n2", [*args, "-n", "2"], cli_env(None), out).row())
    verdict = "meets" if org.wall < TARGET_WALL_S and org.peak_rss_mib < TARGET_RSS_MIB else "MISSES"
    print(f"org replay: {org.units} units over {accounts} accounts in {org.wall:.1f} s, peak {org.peak_rss_mib:.0f} MiB: "
          f"{verdict} the target (< {TARGET_WALL_S:.0f} s, < {TARGET_RSS_MIB:.0f} MiB)")
    return rows


def show(rows: list[dict]) -> None:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    print(" | ".join(columns))
    for row in rows:
        print(" | ".join(str(row.get(c, "")) for c in columns))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("live", "replay", "all"))
    parser.add_argument("--accounts", type=int, default=None, help="accounts (live: 3, replay: 19)")
    parser.add_argument("--regions", default="us-east-1,eu-west-1", help="comma-separated regions")
    parser.add_argument("--scale", type=int, default=None, help="resources per region, x Counts() (live: 1, replay: 19)")
    parser.add_argument("--no-html", action="store_true", help="replay without the HTML report")
    parser.add_argument("--replay-n2", action="store_true", help="also replay the organisation with -n 2")
    parser.add_argument("--out", default=None, help="where logs, findings and snapshots go (default: a temp dir)")
    opts = parser.parse_args(argv)
    out = Path(opts.out or tempfile.mkdtemp(prefix="cis-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    regions = [r for r in opts.regions.split(",") if r]
    rows: list[dict] = []
    if opts.what in ("live", "all"):
        rows += live(opts.accounts or 3, regions, opts.scale or 1, out)
    if opts.what in ("replay", "all"):
        rows += replay(opts.accounts or 19, opts.scale or 19, regions, out, html=not opts.no_html, parallel=opts.replay_n2)
    show(rows)
    (out / "bench.json").write_text(json.dumps(rows, indent=2))
    print(f"logs, findings and snapshots: {out}")


if __name__ == "__main__":
    main()
