"""One timed cis-merge over shards ``bench org`` already cloned, without cloning them again.

    python -m bench.org_merge /tmp/bench-org-scale-c every      # every format of the outputs table
    python -m bench.org_merge /tmp/bench-org-scale-c json+html  # the findings file and the HTML

Uses ``bench.org``'s own ``timed`` and ``merge_argv``, so a figure taken here is the same
measurement as a row of ``python -m bench org`` (wall, CPU, the merge's peak RSS), printed with
the load average before and after: on a shared machine, the load says whether the figure holds.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from .org import merge_argv, timed


def main(out: Path, which: str) -> dict:
    shards = sorted(out.glob("shard-*.findings.json"), key=lambda p: int(p.name.split("-")[1].split(".")[0]))
    if not shards:
        raise SystemExit(f"no shard-N.findings.json in {out}: run python -m bench org --out {out} first")
    load_before = os.getloadavg()
    row = timed(f"merge-{which.replace('+', '-')}-alone", merge_argv(shards, out, which == "every"), out)
    return {**row, "shards": len(shards), "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()]}


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in ("every", "json+html"):
        raise SystemExit("usage: python -m bench.org_merge OUT every|json+html")
    print(json.dumps(main(Path(sys.argv[1]), sys.argv[2])))
