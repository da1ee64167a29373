"""Bad metadata of your own controls stops the run with a usage error that names the file,
before any AWS call: a duplicate id, a CIS id reused, a missing title, and the rest."""
from __future__ import annotations

import textwrap

import pytest

from tests.harness import CHECKS_DIR

HEAD = "from pytest_cis_aws.api import accounts, custom_control\n\n"


def control(control_id: str, function: str, **metadata) -> str:
    given = "".join(f", {name}={value!r}" for name, value in metadata.items())
    return (f"@custom_control({control_id!r}, units=accounts{given})\n"
            f"def {function}(account):\n    pass\n\n\n")


OK = dict(title="A title", section="Mine")
YAML_OK = "sections:\n  MINE: {title: Mine}\ncontrols:\n  - id: MINE.1\n    title: From YAML\n"

# name: ({file: content}, the file the message names, the message after "<file>: ")
CASES = {
    "duplicate id": (
        {"test_a.py": HEAD + control("MINE.1", "test_mine_1_first", **OK),
         "test_b.py": HEAD + control("MINE.1", "test_mine_1_second", **OK)},
        "test_b.py", "control id MINE.1 is declared twice, by test_mine_1_first in {dir}/test_a.py and by "
                     "test_mine_1_second"),
    "ids that differ only in case": (
        {"test_a.py": HEAD + control("MINE.1", "test_mine_1_first", **OK) + control("mine.1", "test_mine_1_second", **OK)},
        "test_a.py", "control id mine.1 is declared twice, by test_mine_1_first in {dir}/test_a.py and by "
                     "test_mine_1_second"),
    "a CIS id reused": (
        {"test_a.py": HEAD + control("1.4", "test_1_4_again", **OK)},
        "test_a.py", "test_1_4_again declares control 1.4, a CIS AWS Foundations Benchmark id: give your own "
                     "controls ids of their own, such as ORG.1"),
    "a CIS id of a later version reused": (
        {"test_a.py": HEAD + control("2.21", "test_2_21_again", **OK)},  # v6.0.0 and v7.0.0 only
        "test_a.py", "test_2_21_again declares control 2.21, a CIS AWS Foundations Benchmark id: give your own "
                     "controls ids of their own, such as ORG.1"),
    "missing title in code": (
        {"test_a.py": HEAD + control("MINE.1", "test_mine_1_untitled", section="Mine", level=1)},
        "test_a.py", "control MINE.1 has no title: give title=... in the decorator or describe it in "
                     "controls.yaml beside it"),
    "missing title in controls.yaml": (
        {"test_a.py": HEAD + control("MINE.1", "test_mine_1_untitled"),
         "controls.yaml": "sections:\n  MINE: {title: Mine}\ncontrols:\n  - id: MINE.1\n    level: 2\n"},
        "controls.yaml", "control MINE.1 has no title: give title=... in the decorator or describe it in "
                         "controls.yaml beside it"),
    "an id without a section": (
        {"test_a.py": HEAD + control("MINE-1", "test_mine_1_x", **OK)},
        "test_a.py", "control id 'MINE-1' of test_mine_1_x must be a section name starting with a letter, a dot "
                     "and numbers, such as ORG.1"),
    "a function named otherwise": (
        {"test_a.py": HEAD + control("MINE.1", "test_tagging", **OK)},
        "test_a.py", "test_tagging declares control MINE.1: name it test_mine_1_..."),
    "described twice": (
        {"test_a.py": HEAD + control("MINE.1", "test_mine_1_x", **OK), "controls.yaml": YAML_OK},
        "test_a.py", "control MINE.1 is described both in its decorator and in {dir}/controls.yaml: keep one"),
    "a described control no test declares": (
        {"test_a.py": HEAD + control("MINE.1", "test_mine_1_x"),
         "controls.yaml": YAML_OK + "  - id: MINE.2\n    title: Typo\n"},
        "controls.yaml", "no test beside it declares control MINE.2 (a typo in the id?)"),
    "a section without a title": (
        {"test_a.py": HEAD + control("MINE.1", "test_mine_1_x", title="A title")},
        "test_a.py", "section MINE of control MINE.1 has no title: give section=... in the decorator or "
                     "sections: in controls.yaml"),
    "two titles for a section": (
        {"test_a.py": HEAD + control("MINE.1", "test_mine_1_x", title="One", section="Mine")
         + control("MINE.2", "test_mine_2_x", title="Two", section="Ours")},
        "test_a.py", "section MINE is titled 'Ours', but 'Mine' in {dir}/test_a.py"),
    "a level that is not 1 or 2": (
        {"test_a.py": HEAD + control("MINE.1", "test_mine_1_x", level=3, **OK)},
        "test_a.py", "control MINE.1: level must be 1 or 2, not 3"),
    "a section marker the suite uses": (
        {"test_a.py": HEAD + control("MINE.1", "test_mine_1_x"),
         "controls.yaml": "sections:\n  MINE: {title: Mine, marker: iam}\ncontrols:\n  - id: MINE.1\n    title: T\n"},
        "controls.yaml", "section MINE: marker 'iam' must be a name of its own (not cis, custom, iam, level1, "
                         "level2, logging, monitoring, networking, storage)"),
    "an unknown field": (
        {"test_a.py": HEAD + control("MINE.1", "test_mine_1_x"),
         "controls.yaml": YAML_OK + "    severity: high\n"},
        "controls.yaml", "control MINE.1: unknown field severity (allowed: description, fix, id, level, "
                         "manual_check, remediation, section, title)"),
    "YAML that is not YAML": (
        {"test_a.py": HEAD + control("MINE.1", "test_mine_1_x"), "controls.yaml": "controls: [\n"},
        "controls.yaml", None),
}


@pytest.mark.parametrize("files, named, message", CASES.values(), ids=CASES.keys())
def test_bad_metadata_is_a_usage_error_naming_the_file(aws_env, pytester, files, named, message):
    folder = pytester.mkdir("mine")
    for name, content in files.items():
        (folder / name).write_text(textwrap.dedent(content))
    result = pytester.runpytest_inprocess(str(CHECKS_DIR), str(folder), "-p", "pytest_cis_aws.entry", "-p", "no:cacheprovider",
                                          "--aws-accounts", "111111111111", "--aws-regions", "us-east-1")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.startswith("ERROR: ")]
    assert len(errors) == 1, result.stderr.str()
    if message is None:
        assert errors[0] == f"ERROR: {folder / named} is not valid YAML at line 2"
    else:
        assert errors[0] == f"ERROR: {folder / named}: {message.format(dir=folder)}"
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_own_controls_without_the_cis_ones_say_how_to_run_them(aws_env, pytester):
    from tests.custom.estate import EXAMPLES

    result = pytester.runpytest_inprocess(str(EXAMPLES), "-p", "pytest_cis_aws.entry", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    path = result.stderr.str().split("ERROR: ", 1)[1].split(" declares", 1)[0]
    assert path.endswith("examples/org_controls/test_org_controls.py")
    assert f"ERROR: {path} declares your own control ORG.1: run it with the CIS controls, pytest cis_checks " \
           f"{path.rsplit('/', 1)[0]} (add --cis-controls 'ORG.*' for yours alone)" in result.stderr.str()
