"""``python -m bench org --accounts 1000 --shards 10``: cis-merge at organisation scale.

A run over a thousand accounts is what a CI matrix splits (``--cis-shard K/N``); the merge
is the one step that sees the whole organisation. This builds the shards' findings files by
cloning one recorded account's findings (as bench/scale.py clones a snapshot), then times
``cis-merge`` writing the findings file and the HTML report, and again writing every
format, each in a fresh process (peak RSS is that process's own), and opens the merged
report in Chromium: when its totals show, when ``load`` fires, how long the finder takes
to find one unit (it decodes the compressed units on first use).
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from .measure import REPO

MERGE_TARGET_S = {"json+html": 120.0, "every format": 300.0}
RSS_TARGET_MIB = 2048.0
REPORT_TARGET_MIB, TOTALS_TARGET_S, LOAD_TARGET_S = 100.0, 2.0, 5.0
CHROMIUM = Path("/usr/bin/chromium")
FINDINGS_LINE = '  "findings": ['
TOTALS_CLOCK = """
new MutationObserver(function (changes, observer) {
  if (document.getElementById("cis-other-outcomes")) {  // the totals' last element is parsed
    window.cisTotalsAt = performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


def clone_shards(source: Path, source_account: str, accounts: list[str], shards: int, out: Path) -> list[Path]:
    """Shard K of N holds the accounts a ``--cis-shard K/N`` run would (sorted, dealt round-robin),
    each with the source account's findings under its own id, in a run's order and layout.
    The head is the source's with the shard's accounts; the merge counts totals itself."""
    text = source.read_text(encoding="utf-8")
    head_text, _, rest = text.partition("\n" + FINDINGS_LINE)
    head = json.loads(head_text.rstrip(",") + "}")
    template = next(a for a in head["accounts"] if a["id"] == source_account)
    lines = [line.strip().rstrip(",") for line in rest.splitlines()[1:-2]]
    # A run's order: control first, then account; the source's lines are in order already.
    by_control: dict[str, list[str]] = {}
    for line in lines:
        by_control.setdefault(json.loads(line)["control"], []).append(line)
    ordered = sorted(accounts)
    paths = []
    for k in range(1, shards + 1):
        mine = ordered[k - 1::shards]
        path = out / f"shard-{k}.findings.json"
        shard_head = {**head, "accounts": [{**template, "id": a} for a in mine]}
        if shard_head.get("gating"):
            shard_head["gating"] = {**shard_head["gating"], "shard": f"{k}/{shards}"}
        with path.open("w", encoding="utf-8") as file:
            file.write(json.dumps(shard_head, indent=2)[: -len("\n}")] + ",\n" + FINDINGS_LINE)
            separator = "\n    "
            for control_lines in by_control.values():
                for account in mine:
                    for line in control_lines:
                        file.write(separator + line.replace(source_account, account))
                        separator = ",\n    "
            file.write("\n  ]\n}\n")
        paths.append(path)
    return paths


def timed(label: str, argv: list[str], out: Path) -> dict:
    """``argv`` in a child of a fresh helper process: wall time, peak RSS (the child's own), CPU."""
    request = json.dumps({"argv": argv, "log": str(out / f"{label}.log")})
    done = subprocess.run([sys.executable, "-m", "bench.org"], input=request, capture_output=True, text=True,
                          cwd=REPO, check=True)
    return {"run": label, **json.loads(done.stdout.strip().splitlines()[-1])}


def _run_child(argv: list[str], log: Path) -> dict:
    import resource

    started = time.perf_counter()
    with log.open("wb") as output:
        returncode = subprocess.run(argv, cwd=REPO, stdout=output, stderr=subprocess.STDOUT).returncode
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall_s": round(time.perf_counter() - started, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mib": round(usage.ru_maxrss / 1024, 1), "exit": returncode}


def merge_argv(shards: list[Path], out: Path, every_format: bool) -> list[str]:
    argv = [sys.executable, "-m", "pytest_cis_aws.merge", *map(str, shards),
            "--cis-json", str(out / "merged.findings.json"), "--html", str(out / "merged.html")]
    if every_format:
        # Every output of the table a run and cis-merge share (report/outputs.py), so a format
        # added there is timed here too; the history file starts afresh each time.
        from pytest_cis_aws.report import outputs
        for output in outputs.OUTPUTS:
            name = output.flag.removeprefix("--cis-")
            path = out / f"merged.{name}"
            if name == "history":
                path.unlink(missing_ok=True)
            argv += [output.flag, str(path)]
    return argv


def open_report(report: Path, find: str) -> dict:
    """The merged report in Chromium, offline: totals shown, load fired, one unit found."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page()
        # Offline: any request beyond the file itself is refused.
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        # The page's own clock (from navigation start), read in the page: when the parser has
        # added the totals, and when load fired; Playwright's polling adds nothing to either.
        page.add_init_script(TOTALS_CLOCK)
        page.goto(report.as_uri(), wait_until="load", timeout=300_000)
        totals_ms = page.evaluate("window.cisTotalsAt")
        load_ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventStart")
        # The finder decodes the units after load; then one unit, found by its test id.
        page.wait_for_function("document.getElementById('cis-find-count').textContent.indexOf(' in all)') > 0",
                               timeout=300_000, polling=100)
        decoded_ms = page.evaluate("performance.now()")
        page.fill("#cis-find-text", find)
        page.wait_for_function("document.getElementById('cis-find-count').textContent.indexOf('showing 1 of 1 ') === 0",
                               timeout=300_000, polling=100)
        found_ms = page.evaluate("performance.now()")
        title = page.get_attribute("#cis-find-table tbody tr", "title")
        browser.close()
    return {"report_mib": round(report.stat().st_size / 2**20, 1), "totals_s": round(totals_ms / 1000, 2),
            "load_s": round(load_ms / 1000, 2), "units_decoded_s": round(decoded_ms / 1000, 2),
            "found_s": round(found_ms / 1000, 2), "found": title == find}


def org(accounts: list[str], shards: int, source: Path, source_account: str, out: Path, rounds: int = 1) -> list[dict]:
    started = time.perf_counter()
    paths = clone_shards(source, source_account, accounts, shards, out)
    size = sum(p.stat().st_size for p in paths)
    print(f"cloned {len(accounts)} accounts into {shards} shards ({size / 2**20:.0f} MiB) in "
          f"{time.perf_counter() - started:.1f} s")
    rows = []
    for n in range(1, rounds + 1):
        for label, every in (("json+html", False), ("every format", True)):
            row = timed(f"merge-{label.replace(' ', '-').replace('+', '-')}-{n}", merge_argv(paths, out, every), out)
            row["run"] = f"cis-merge {label} (round {n})"
            verdict = ("meets" if row["wall_s"] <= MERGE_TARGET_S[label] and row["peak_rss_mib"] <= RSS_TARGET_MIB
                       else "MISSES")
            print(f"{row['run']}: {row['wall_s']:.1f} s ({row['cpu_s']:.1f} s CPU), peak {row['peak_rss_mib']:.0f} MiB: "
                  f"{verdict} the target (<= {MERGE_TARGET_S[label]:.0f} s, <= {RSS_TARGET_MIB:.0f} MiB)")
            rows.append(row)
    # The last unit of the last shard, by its test id (unique, unlike a resource).
    last = paths[-1].read_text(encoding="utf-8").rstrip().splitlines()[-3]
    find = json.loads(last.strip().rstrip(","))["test_id"]
    seen = open_report(out / "merged.html", find)
    verdict = ("meets" if seen["report_mib"] <= REPORT_TARGET_MIB and seen["totals_s"] <= TOTALS_TARGET_S
               and seen["load_s"] <= LOAD_TARGET_S and seen["found"] else "MISSES")
    print(f"merged report: {seen['report_mib']} MiB, totals at {seen['totals_s']} s, load at {seen['load_s']} s, "
          f"units decoded at {seen['units_decoded_s']} s, one found at {seen['found_s']} s: {verdict} the target (<= {REPORT_TARGET_MIB:.0f} MiB, "
          f"totals <= {TOTALS_TARGET_S:.0f} s, load <= {LOAD_TARGET_S:.0f} s)")
    rows.append({"run": "merged report in Chromium", **seen})
    return rows


if __name__ == "__main__":
    request = json.loads(sys.stdin.read())
    print(json.dumps(_run_child(request["argv"], Path(request["log"]))))
