"""The evidence behind a verdict, as the reports read it off a finding.

``finding["evidence"]``: a list of ``{"source": "iam:GetAccountPasswordPolicy",
"fields": {"MinimumPasswordLength": 8}}`` recorded by the control test
(``plugin.controls.evidence``); a finding without any has an empty list.
"""
from __future__ import annotations

import json


def evidence_of(finding: dict) -> list[dict]:
    found = finding.get("evidence") or []
    if isinstance(found, str):  # as a report property travels: JSON text
        found = json.loads(found)
    return [item for item in found if isinstance(item, dict) and item.get("source")]
