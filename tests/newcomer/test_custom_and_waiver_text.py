"""Custom controls and waiver files as a newcomer writes them (issue 19, defect 7).

* The README lists ``section=`` as required beside ``title`` (the run refuses a section
  without a title).
* An unquoted ``control: 1.10`` in a waiver file is control 1.10, the text as written: the
  run used to say 'quote the control id (control: "1.1")', naming another control.
"""
from __future__ import annotations

import re
import textwrap

from pytest_cis_aws.gating import waivers
from tests.harness import REPO


def metadata_item() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return " ".join(re.search(r"^5\. \*\*Its metadata\*\*(.*?)(?=\n\n)", readme, re.M | re.S).group(1).split())


def test_readme_lists_section_as_required_beside_title():
    item = metadata_item()
    assert re.search(r"`title` and `section` \([^)]*\) are required", item), item


def write(tmp_path, text: str):
    path = tmp_path / "waivers.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_an_unquoted_control_id_is_the_control_as_written(tmp_path):
    path = write(tmp_path, """\
        waivers:
          - control: 1.10
            account: 012345678901
            reason: yes
            owner: platform
            expires: 2027-03-31
          - control: 2.1.1
            reason: legacy buckets
            owner: platform
            expires: 2027-03-31
    """)
    first, second = waivers.load(path)
    assert (first.control, first.account, first.reason) == ("1.10", "012345678901", "yes")
    assert second.control == "2.1.1"
    assert first.matches("1.10", "012345678901", "global", "arn:aws:iam::012345678901:user/x")
    assert not first.matches("1.1", "012345678901", "global", "arn:aws:iam::012345678901:user/x")


def test_an_empty_value_is_still_missing(tmp_path):
    path = write(tmp_path, """\
        waivers:
          - control: 1.10
            reason:
            owner: platform
            expires: 2027-03-31
    """)
    try:
        waivers.load(path)
    except waivers.WaiverFileError as exc:
        assert str(exc) == f"--cis-waivers: {path}, entry 1: missing reason"
    else:
        raise AssertionError("an empty reason was accepted")
