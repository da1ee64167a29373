"""Every benchmark version's registry: it loads, its ids are unique, every control maps to a
check that a control test evaluates, and its counts are VERSIONS.md's."""
from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

from pytest_cis_aws import registry
from tests.harness import CHECKS_DIR

# From VERSIONS.md §3 (controls; same, changed, new as its headings count them; the A/M labels
# of its tables; the v2.0.0 ids a version dropped).
EXPECTED = {
    "2.0.0": dict(total=64, same=64, changed=0, new=0, automated=55, manual=9, dropped=()),
    "3.0.0": dict(total=62, same=62, changed=0, new=0, automated=54, manual=8, dropped=("3.3", "3.4")),
    "4.0.1": dict(total=64, same=59, changed=3, new=2, automated=37, manual=27, dropped=("3.3", "3.4")),
    "5.0.0": dict(total=63, same=54, changed=7, new=2, automated=35, manual=28, dropped=("1.3", "3.3", "3.4")),
    "6.0.0": dict(total=63, same=54, changed=7, new=2, automated=35, manual=28, dropped=("1.3", "3.3", "3.4")),
    "7.0.0": dict(total=70, same=52, changed=7, new=11, automated=34, manual=36,
                  dropped=("1.3", "1.11", "1.13", "3.3", "3.4")),
}
# VERSIONS.md §4: where each CHANGED rule applies (v2.0.0 check -> first version).
CHANGED = {"C1": ("2.1.1", "4.0.1"), "C2": ("3.5", "4.0.1"), "C3": ("3.11", "4.0.1"), "C4": ("1.5", "5.0.0"),
           "C5": ("1.6", "5.0.0"), "C6": ("1.20", "5.0.0"), "C7": ("4.10", "5.0.0")}
SAMPLES = {  # (version, id) -> check: the same id names different controls in different versions
    ("2.0.0", "3.3"): "3.3", ("3.0.0", "3.3"): "3.5", ("5.0.0", "1.3"): "1.4", ("2.0.0", "1.3"): "1.3",
    ("4.0.1", "2.2.1"): "2.3.1", ("3.0.0", "2.2.1"): "2.2.1", ("6.0.0", "5.1"): "4.1", ("2.0.0", "5.1"): "5.1",
    ("7.0.0", "2.11"): "1.12", ("7.0.0", "2.12"): "1.14", ("7.0.0", "2.21"): "no-public-resource-policies",
    ("4.0.1", "5.1.2"): "cifs-port-restricted", ("7.0.0", "6.8"): "vpc-endpoints", ("4.0.1", "5.1.1"): "2.2.1",
}


def declared_checks() -> dict[str, str]:
    """check key -> test function name, read from the control modules' source."""
    found = {}
    for path in sorted(CHECKS_DIR.glob("test_*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "control":
                        found[decorator.args[0].value] = node.name
    return found


@pytest.mark.parametrize("version", list(EXPECTED))
def test_each_version_loads_with_the_counts_of_versions_md(version):
    found = registry.controls(version)
    ids = [c.id for c in found]
    assert len(ids) == len(set(ids)) == EXPECTED[version]["total"]
    v2_checks = {c.check for c in registry.controls("2.0.0")}
    kinds = Counter("changed" if c.changed else "same" if c.check in v2_checks else "new" for c in found)
    labels = Counter("automated" if c.automated else "manual" for c in found)
    assert (kinds["same"], kinds["changed"], kinds["new"]) == tuple(EXPECTED[version][k] for k in ("same", "changed", "new"))
    assert (labels["automated"], labels["manual"]) == (EXPECTED[version]["automated"], EXPECTED[version]["manual"])
    assert sorted(v2_checks - {c.check for c in found}) == sorted(EXPECTED[version]["dropped"])
    assert ids == [c.id for c in sorted(found, key=lambda c: c.order)]  # benchmark order


def test_every_check_of_every_version_has_a_control_test_named_after_it():
    declared = declared_checks()
    used = {c.check for version in registry.benchmarks() for c in registry.controls(version)}
    assert used == set(registry.checks()) == set(declared)
    for check, function in declared.items():
        if check[0].isdigit():
            assert function.startswith("test_" + check.replace(".", "_") + "_"), function
        else:
            assert function == "test_" + check.replace("-", "_"), function


def test_the_same_id_names_different_controls_in_different_versions():
    for (version, control_id), check in SAMPLES.items():
        assert registry.by_id(version)[control_id].check == check, (version, control_id)


@pytest.mark.parametrize("rule", list(CHANGED))
def test_each_changed_rule_applies_from_its_version_on(rule):
    check, first = CHANGED[rule]
    for version in registry.benchmarks():
        control = registry.by_check(version).get(check)
        if control is None:
            continue
        later = tuple(map(int, version.split("."))) >= tuple(map(int, first.split(".")))
        assert (rule in control.changed) == later, (version, control.id)
        assert control.evaluation == (f"{check}+{rule}" if later else check)


def test_sections_follow_each_version():
    assert registry.by_id("2.0.0")["1.4"].section_title == "Identity and Access Management"
    assert registry.by_id("6.0.0")["2.3"].section_title == "Identity and Access Management"
    assert registry.by_id("6.0.0")["2.3"].marker == registry.by_id("2.0.0")["1.4"].marker == "iam"
    assert registry.by_id("4.0.1")["5.1.1"].marker == "networking"  # EBS moved to the EC2 subsection
    assert {s.number for s in registry.benchmark("7.0.0").sections.values()} == {"2", "3", "4", "5", "6"}


def test_titles_are_each_versions_own():
    assert registry.by_id("7.0.0")["2.2"].title == "Maintain current AWS account contact details"
    assert registry.by_id("2.0.0")["1.1"].title == "Maintain current contact details"
    assert registry.by_id("5.0.0")["1.19"].title == "Ensure that IAM External Access Analyzer is enabled for all regions"
    assert registry.by_id("3.0.0")["4.1"].title == "Ensure unauthorized API calls are monitored"


def test_a_changed_rule_brings_its_own_words_and_pattern():
    old, new = registry.by_id("2.0.0")["4.10"], registry.by_id("5.0.0")["4.10"]
    assert "ModifySecurityGroupRules" not in old.extra["filter_patterns"][0]
    assert "ModifySecurityGroupRules" in new.extra["filter_patterns"][0]
    assert "s3:TlsVersion" in registry.by_id("4.0.1")["2.1.1"].description
    assert "s3:TlsVersion" not in registry.by_id("3.0.0")["2.1.1"].description


@pytest.mark.parametrize("text, version", [("2.0.0", "2.0.0"), ("4.0.0", "4.0.1"), ("v7.0.0", "7.0.0"), ("5.0", "5.0.0")])
def test_versions_resolve_from_what_people_type(text, version):
    assert registry.resolve(text) == version


def test_an_unknown_version_names_the_known_ones():
    with pytest.raises(registry.RegistryError) as raised:
        registry.resolve("8.0.0")
    assert str(raised.value) == (
        "unknown CIS AWS Foundations Benchmark version '8.0.0'; known: 2.0.0, 3.0.0, 4.0.1, 5.0.0, 6.0.0, 7.0.0")
