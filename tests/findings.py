"""Findings built by hand for the renderers' tests, through the path a run takes."""
from __future__ import annotations

from pytest_cis_aws.finding import PREFIX, Finding

# What a test leaves out is empty (the level is 1): only the fields it looks at are given.
EMPTY = {"control": "1.4", "title": "", "level": "1", "section": "1", "check": "", "assessment": "",
         "account": "", "region": "global", "resource": "", "label": "", "status": "PASS", "message": ""}


def as_finding(properties: dict) -> Finding:
    """The finding a test's report would carry with these ``cis_*`` properties (outcomes.properties,
    then the gate's waiver and the fix as JSON text); ``test_id`` is the report's node id."""
    values = {**EMPTY, **properties}
    test_id = values.pop("test_id", "")
    return Finding.from_properties([(PREFIX + name, value) for name, value in values.items()], test_id)
