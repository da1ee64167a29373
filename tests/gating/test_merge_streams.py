"""cis-merge reads shards as streams (merging/): a run's layout a line at a time, any other
layout or order normalised once, and the merged findings in a run's order either way."""
from __future__ import annotations

import json
from dataclasses import asdict

from pytest_cis_aws import merge
from pytest_cis_aws.merging.files import FINDINGS_LINE
from tests.gating.estate import root_access_key, root_mfa
from tests.harness import A, B


def run_layout(document: dict, findings: list[dict]) -> str:
    head = {k: v for k, v in document.items() if k != "findings"}
    return (json.dumps(head, indent=2)[: -len("\n}")] + ",\n" + FINDINGS_LINE + "\n"
            + ",\n".join("    " + json.dumps(f) for f in findings) + "\n  ]\n}\n")


def test_shards_in_any_layout_or_order_merge_into_a_runs_order(audit, moto, tmp_path):
    root_access_key(moto, A)
    root_mfa(moto, B)
    run = audit("1.4", "1.5", accounts=[A, B])
    findings = run.document["findings"]
    assert len(findings) > 2
    in_order, shuffled, indented = tmp_path / "in-order.json", tmp_path / "shuffled.json", tmp_path / "indented.json"
    in_order.write_text(run_layout(run.document, findings))
    shuffled.write_text(run_layout(run.document, findings[::-1]))  # a run's layout, not its order
    indented.write_text(json.dumps(run.document, indent=2))  # a finding over many lines
    for path in (in_order, shuffled, indented):
        out = tmp_path / f"merged-{path.name}"
        state = merge.merge([path])
        try:
            assert not isinstance(state.findings, list) and len(state.findings) == len(findings)
            assert asdict(state.totals()) == run.document["totals"]  # counted, not kept
        finally:
            state.close()
        merge.main([str(path), "--cis-json", str(out), "--html", str(tmp_path / "merged.html"), "--jobs", "1"])
        assert json.loads(out.read_text())["findings"] == findings, path.name
