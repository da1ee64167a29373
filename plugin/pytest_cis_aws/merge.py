"""``cis-merge FILE...``: one findings file, terminal summary, HTML report and every other
format a run writes (report/outputs.py), from shards.

Each CI job of a matrix runs ``pytest cis_checks --cis-shard K/N`` over a disjoint share
of the accounts and keeps its findings file; this command combines them. The counts come
from the SummaryState's own methods, answered by a StreamedSummary that counts the shards
instead of holding their findings (merging/), so a thousand accounts fit in a few hundred
MiB and every output equals a run's over every account. Exit status as a run's: 0, or 1
when a finding failed or errored.
"""
from __future__ import annotations

import argparse
import datetime as dt
import html as html_text
import sys
from pathlib import Path

from .custom.metadata import CustomControl
from .collectors.estate import AccountInfo, Estate
from .gating import exit_status
from .gating.report import GatingReport
from .audit_options import DEFAULT_JSON
from .owners import OwnerReport
from . import registry
from .registry import controls as benchmark_controls
from .merging.files import ShardError, ShardFile
from .merging import parallel
from .merging.state import StreamedSummary
from .report import findings_json, history, html, outputs, paths, terminal, view
from .summary import SummaryState

USAGE_ERROR = 4  # as pytest's usage error


class MergeError(ValueError):
    pass


def _open(paths: list[Path]) -> list[ShardFile]:
    shards = []
    try:
        for path in paths:
            shards.append(ShardFile(path))
            if not isinstance(shards[-1].head, dict):
                raise MergeError(f"{path} is not a findings file")
    except ShardError as exc:
        for shard in shards:
            shard.close()
        raise MergeError(str(exc)) from None
    return shards


def merge(paths: list[Path], jobs: int = 1) -> StreamedSummary:
    """The merged summary: counted in one pass over the shards, findings streamed from them
    again whenever a writer asks (merging/). ``close()`` it when done."""
    shards = _open(paths)
    documents = [(shard.path, shard.head) for shard in shards]
    first_path, first = documents[0]
    benchmark, level = first.get("benchmark_version"), first.get("level")
    try:
        if benchmark not in registry.benchmarks():
            raise MergeError(f"{first_path}: unknown benchmark version {benchmark!r}")
        owner: dict[str, Path] = {}
        accounts: list[AccountInfo] = []
        selected: set[str] = set()
        for path, document in documents:
            if (document.get("benchmark_version"), document.get("level")) != (benchmark, level):
                raise MergeError(f"{path} audits benchmark {document.get('benchmark_version')} level "
                                 f"{document.get('level')}, {first_path} benchmark {benchmark} level {level}")
            for account in document.get("accounts", []):
                if account["id"] in owner:
                    # Overlapping shards would count the account twice.
                    raise MergeError(f"account {account['id']} is in both {owner[account['id']]} and {path}")
                owner[account["id"]] = path
                accounts.append(AccountInfo(**account))
            selected.update(document.get("controls") or [c.id for c in benchmark_controls(benchmark) if c.level <= level])
        started = min(dt.datetime.fromisoformat(d["generated"].replace("Z", "+00:00")) for _, d in documents)
        # A team's own controls (pytest_cis_aws.api) are described in the findings files that ran them.
        own = {entry["id"]: CustomControl.from_dict(entry, benchmark)
               for _, document in documents for entry in document.get("custom_controls") or []}
        state = StreamedSummary(
            benchmark,
            [c for c in benchmark_controls(benchmark) if c.id in selected]
            + sorted((c for c in own.values() if c.id in selected), key=lambda c: c.order),
            Estate(sorted(accounts, key=lambda a: a.id), started),
            level=level,
            shards=shards,
        )
        state.count_shards(jobs)
    except (MergeError, ShardError) as exc:
        for shard in shards:
            shard.close()
        raise MergeError(str(exc)) from None
    state.aws_calls = {
        name: sum(d.get("aws_calls", {}).get(name, 0) for _, d in documents) for name in ("calls", "distinct", "requests")
    }
    owner_reports = [OwnerReport.from_dict(d["owners"]) for _, d in documents if d.get("owners")]
    if owner_reports:  # one tag for the whole matrix; each shard's sentence about account tags kept
        notes = dict.fromkeys(r.account_tags for r in owner_reports if r.account_tags)
        state.owners = OwnerReport(owner_reports[0].tag, " ".join(notes))
    parts = [GatingReport.from_dict(d["gating"]) for _, d in documents if d.get("gating")]
    if parts:
        state.gating = GatingReport.merge(parts, state.failed_count())
    return state


# The page rules a run's report gets from pytest-html, should its stylesheet be unreadable.
FALLBACK_PAGE_CSS = "body { font-family: Helvetica, Arial, sans-serif; font-size: 12px; min-width: 800px; color: #999; }"


def page_stylesheet() -> str:
    """The stylesheet of the page a run's report sits in: pytest-html's own (the fonts, sizes
    and colours around our fragment), so a merged report looks like a run's."""
    try:
        from importlib import resources

        return resources.files("pytest_html").joinpath("resources", "style.css").read_text(encoding="utf-8")
    except (ImportError, OSError):
        return FALLBACK_PAGE_CSS


def write_html(state: SummaryState, path: Path, command: str) -> None:
    """The compliance report (plugin/pytest_cis_aws/report/html.py) as a page of its own.

    A run puts it inside pytest-html's page; a merge has no test results, so the
    fragment stands alone.
    """
    built = view.build(state, command)
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html_text.escape(built.title)}</title>\n<style>{page_stylesheet()}</style></head>\n"
        f"<body>\n{html.fragment(built, state, standalone=True)}\n</body></html>\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="cis-merge", description="Merge the findings files of sharded runs (--cis-shard K/N) into one report."
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="findings files (--cis-json) of the shards")
    # A run's option names (--json is kept as an alias), and every output a run can write,
    # from the same table (report/outputs.py).
    parser.add_argument("--cis-json", "--json", dest="cis_json", type=Path, default=Path(DEFAULT_JSON),
                        help=f"merged findings file (default: {DEFAULT_JSON})")
    parser.add_argument("--html", type=Path, default=Path(outputs.DEFAULT_HTML), help=f"merged HTML report (default: {outputs.DEFAULT_HTML})")
    for output in outputs.OUTPUTS:
        parser.add_argument(output.flag, dest=output.dest, type=Path, metavar="PATH", default=None, help=output.help)
    parser.add_argument("--cis-asff-region", metavar="REGION", default=outputs.DEFAULT_ASFF_REGION,
                        help=f"the Security Hub region the --cis-asff findings are imported into (default: {outputs.DEFAULT_ASFF_REGION})")
    for setting in outputs.SETTINGS:
        parser.add_argument(setting.flag, dest=setting.dest, metavar=setting.metavar, default=setting.default,
                            help=setting.help)
    parser.add_argument("--jobs", type=int, default=parallel.default_jobs(), metavar="N",
                        help="count the shards and write the files N at a time, in forked processes (default: the CPUs)")
    parser.add_argument("--fail-on", choices=exit_status.FAIL_ON, default="failure",
                        help="failure (default): exit 1 on any FAIL or ERROR; error: exit 1 on ERROR only")
    args = parser.parse_args(argv)
    # Every file the merge will write, checked before the shards are read (as a run does).
    problem = paths.first_problem([
        ("--cis-json", args.cis_json), ("--html", args.html),
        *((output.flag, path) for output, path in outputs.requested(lambda dest: getattr(args, dest))),
    ])
    if problem:
        print(f"cis-merge: error: {problem}", file=sys.stderr)
        return USAGE_ERROR
    try:
        context = outputs.context(" ".join(["cis-merge", *map(str, args.files)]), lambda dest: getattr(args, dest))
        if args.cis_history:
            history.load(args.cis_history)  # a file we could not extend is bad input, before anything is written
        state = merge(args.files, args.jobs)
    except (MergeError, outputs.SettingError, history.HistoryError) as exc:
        print(f"cis-merge: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    try:
        if args.cis_history:
            state.history_path = args.cis_history  # the HTML report draws its runs
            state.history_keep = context.history_keep
            # This run's record made once, here: the HTML report's trend and the history file,
            # written in forked processes side by side, then name it with the same run id.
            history.record(state)
        for line in terminal.lines(state):
            print(line)
        written = write_all(state, args, context)
        print("Files written: " + ", ".join(map(str, written)))
        statuses = list(state.by_status())  # each status that occurred: all the exit status needs
    finally:
        state.close()
    return int(exit_status.decide(0, statuses, args.fail_on, 0))


# The writers by their cost at organisation scale, largest first (CPU seconds per shard of
# 124,700 findings, docs/PERFORMANCE.md): the pool hands the next step to the first free
# process, so a long writer started last would be the one the merge waits for alone.
LARGEST_FIRST = ("--cis-oscal", "--cis-ocsf", "--cis-asff", "--cis-fixes", "--cis-csv", "--html", "--cis-json",
                 "--cis-history", "--cis-md")


def write_all(state: StreamedSummary, args, context: outputs.WriteContext) -> list[Path]:
    """Every file asked for, ``args.jobs`` at a time (merging/parallel.py), the largest
    writers first; the paths in the order a run names them. Each writer streams the findings
    from the shards again."""
    steps = [("--html", lambda: write_html(state, args.html, context.command) or args.html),
             ("--cis-json", lambda: findings_json.write(state, args.cis_json) or args.cis_json)]
    for output, path in outputs.requested(lambda dest: getattr(args, dest)):
        steps.append((output.flag, lambda output=output, path=path: output.write(state, path, context) or path))
    # A writer not in the list is started first: its cost is not known.
    order = sorted(range(len(steps)), key=lambda i: LARGEST_FIRST.index(steps[i][0]) if steps[i][0] in LARGEST_FIRST else -1)
    done = dict(zip(order, parallel.run_all([steps[i][1] for i in order], args.jobs)))
    html_written, json_written, *others = (done[i] for i in range(len(steps)))
    return [json_written, html_written, *others]

if __name__ == "__main__":
    sys.exit(main())
