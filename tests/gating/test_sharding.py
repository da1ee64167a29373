"""Sharding: shards 1/3, 2/3 and 3/3 merged by cis-merge equal one run over every account."""
from __future__ import annotations

import json

import pytest

from pytest_cis_aws import merge
from pytest_cis_aws.gating.sharding import Shard, parse
from tests.gating.estate import root_access_key, root_mfa
from tests.harness import A, B, C


def test_shards_deal_sorted_accounts_round_robin():
    accounts = ["999999999999", C, A, B, "444444444444"]
    dealt = [Shard(k, 3).accounts(accounts) for k in (1, 2, 3)]
    assert dealt == [[A, "444444444444"], [B, "999999999999"], [C]]
    assert Shard(2, 2).accounts([A]) == []


@pytest.mark.parametrize("value, problem", [
    ("3", "--cis-shard must look like K/N (e.g. 2/3), not '3'"),
    ("0/3", "--cis-shard 0/3: K must be between 1 and N"),
    ("4/3", "--cis-shard 4/3: K must be between 1 and N"),
])
def test_bad_shard_option(value, problem):
    with pytest.raises(ValueError) as raised:
        parse(value)
    assert str(raised.value) == problem


def test_merged_shards_equal_a_full_run(audit, moto, tmp_path, capsys):
    root_access_key(moto, A)
    root_access_key(moto, C)  # waived below
    root_mfa(moto, B)  # 1.5 fails in A and C
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(f'waivers:\n  - control: "1.4"\n    account: "{C}"\n    reason: sandbox\n'
                       f'    owner: lab\n    expires: 2099-12-31\n')
    options = ["--cis-waivers", str(waivers)]
    full = audit("1.4", "1.5", accounts=[A, B, C], args=options)
    shard_files = []
    for k in (1, 2, 3):
        shard = audit("1.4", "1.5", accounts=[A, B, C], args=[*options, "--cis-shard", f"{k}/3"])
        assert [a["id"] for a in shard.document["accounts"]] == [[A], [B], [C]][k - 1]
        assert f"Shard {k}/3: merge the shards' findings files with cis-merge" in shard.output
        path = tmp_path / f"shard-{k}.json"
        path.write_text(json.dumps(shard.document))
        shard_files.append(str(path))

    merged_json, merged_html = tmp_path / "merged.json", tmp_path / "merged.html"
    status = merge.main([*shard_files, "--json", str(merged_json), "--html", str(merged_html)])
    merged = json.loads(merged_json.read_text())

    assert merged["findings"] == full.document["findings"]
    assert merged["totals"] == full.document["totals"]
    assert merged["accounts"] == full.document["accounts"]
    assert merged["controls"] == full.document["controls"]
    assert merged["gating"] == full.document["gating"]
    assert merged["totals"]["waived"] == 1 and merged["totals"]["failed"] == 3
    printed = capsys.readouterr().out
    totals_line = next(line for line in full.output.splitlines() if line.startswith("Accounts integrated:"))
    assert totals_line in printed.splitlines()
    assert totals_line == ("Accounts integrated: 3 of 3   Resources scanned: 6   Failed: 3   Passed: 2   "
                           "Errors: 0   Manual: 0   Waived: 1   Known: 0")
    assert status == 1  # as the full run: a failure is left
    assert full.result.ret == pytest.ExitCode.TESTS_FAILED
    assert "<!DOCTYPE html>" in merged_html.read_text()


def test_a_shard_without_accounts_passes(audit, moto):
    run = audit("1.4", accounts=[A], args=["--cis-shard", "2/2"])
    assert run.document["accounts"] == [] and run.findings == []
    assert run.result.ret == pytest.ExitCode.OK


def _findings_file(path, accounts, level=2):
    document = {"benchmark_version": "2.0.0", "level": level, "generated": "2026-11-26T10:00:00Z",
                "accounts": [{"id": a, "integrated": True, "error": None, "regions": ["us-east-1"],
                              "skipped_regions": {}} for a in accounts],
                "controls": ["1.4"], "findings": []}
    path.write_text(json.dumps(document))
    return str(path)


def test_merge_refuses_overlapping_or_mismatched_shards(tmp_path, capsys):
    one = _findings_file(tmp_path / "one.json", [A, B])
    two = _findings_file(tmp_path / "two.json", [B])
    assert merge.main([one, two, "--json", str(tmp_path / "m.json")]) == merge.USAGE_ERROR
    assert capsys.readouterr().err == f"cis-merge: error: account {B} is in both {one} and {two}\n"
    level1 = _findings_file(tmp_path / "level1.json", [C], level=1)
    assert merge.main([one, level1, "--json", str(tmp_path / "m.json")]) == merge.USAGE_ERROR
    assert capsys.readouterr().err == (f"cis-merge: error: {level1} audits benchmark 2.0.0 level 1, "
                                       f"{one} benchmark 2.0.0 level 2\n")
