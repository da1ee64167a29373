"""Every file a run writes is named at the end (issue 19, defect 9): the findings, the HTML
report, CSV, Markdown, OCSF, ASFF and the evidence snapshot. The extra outputs used to be
written without a word."""
from __future__ import annotations

from tests.harness import A


def test_the_last_line_names_every_file_written(audit, pytester):
    folder = pytester.path / "out"
    files = {
        "--html": folder / "report.html", "--cis-csv": folder / "findings.csv", "--cis-md": folder / "summary.md",
        "--cis-ocsf": folder / "findings.ocsf.jsonl", "--cis-asff": folder / "findings.asff.json",
        "--aws-snapshot-out": folder / "evidence.json",
    }
    run = audit("1.4", accounts=[A], args=["-p", "pytest_html.plugin", "-p", "pytest_metadata.plugin",
                                           *(f"{option}={path}" for option, path in files.items())])
    last = run.result.stdout.lines[-1]
    expected = [pytester.path / "findings.json", *files.values()]
    assert last == "Files written: " + ", ".join(map(str, expected))
    assert all(path.is_file() for path in expected)


def test_without_extra_outputs_the_findings_file_is_named(audit, pytester):
    run = audit("1.4", accounts=[A])
    assert run.result.stdout.lines[-1] == f"Files written: {pytester.path / 'findings.json'}"
