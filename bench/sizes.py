"""``python -m bench.sizes FINDINGS.json [OCSF.jsonl] [ASFF.json]``: bytes per finding.

How much each output weighs per finding, and how much of the findings file the evidence
is (the deciding fields only: docs/PERFORMANCE.md). The evidence share is measured by
writing the same document again without it, with the writer's own formatting.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def findings_file(path: Path) -> dict:
    document = json.loads(path.read_text(encoding="utf-8"))
    findings = document["findings"]
    size = path.stat().st_size
    without = json.dumps({**document, "findings": [{**f, "evidence": []} for f in findings]}, indent=2) + "\n"
    evidence = [len(json.dumps(f["evidence"], separators=(",", ":"))) for f in findings if f.get("evidence")]
    failing = [len(json.dumps(f["evidence"], separators=(",", ":"))) for f in findings
               if f["status"] == "FAIL" and f.get("evidence")]
    return {
        "findings": len(findings),
        "bytes": size,
        "bytes_per_finding": round(size / len(findings)),
        "bytes_per_finding_without_evidence": round(len(without.encode()) / len(findings)),
        "evidence_share": round(1 - len(without.encode()) / size, 3),
        "findings_with_evidence": len(evidence),
        "evidence_bytes_mean": round(sum(evidence) / len(evidence)) if evidence else 0,
        "evidence_bytes_max": max(evidence, default=0),
        "evidence_bytes_mean_of_failures": round(sum(failing) / len(failing)) if failing else 0,
    }


def per_finding(path: Path, count: int) -> dict:
    size = path.stat().st_size
    return {"bytes": size, "bytes_per_finding": round(size / count)}


def main(argv: list[str] | None = None) -> None:
    args = [Path(a) for a in (argv if argv is not None else sys.argv[1:])]
    if not args:
        raise SystemExit(__doc__)
    report = {"json": findings_file(args[0])}
    count = report["json"]["findings"]
    for name, path in zip(("ocsf", "asff"), args[1:]):
        report[name] = per_finding(path, count)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
