"""Fixes built from the evidence, on units made by hand (no AWS): what each command keeps,
what it changes, and that nothing from AWS can run in a shell it is pasted into."""
from __future__ import annotations

import json
import shlex
import subprocess

from pytest_cis_aws import fixes, registry
from pytest_cis_aws.collectors.iam import IamAccount
from pytest_cis_aws.collectors.network import NetworkAcl, SecurityGroup
from pytest_cis_aws.collectors.s3 import Bucket
from pytest_cis_aws.fixes import script
from pytest_cis_aws.fixes.model import split_commands
from tests.findings import as_finding

A = "111111111111"
V2, V5 = registry.by_id("2.0.0"), registry.by_id("5.0.0")
HOSTILE = "x'; touch /tmp/pwned-by-fix; echo '$(touch /tmp/pwned-by-fix)`touch /tmp/pwned-by-fix`\n# "


def words(command: str) -> list[list[str]]:
    return [shlex.split(c) for c in split_commands(command)]


def account(policy):
    import datetime as dt

    return IamAccount(account=A, region="global", resource=A, label="account",
                      checked_at=dt.datetime.now(dt.timezone.utc), password_policy=policy)


def test_the_password_policy_keeps_every_setting_and_raises_only_what_fails():
    current = {"MinimumPasswordLength": 8, "RequireSymbols": True, "RequireNumbers": True,
               "RequireUppercaseCharacters": False, "RequireLowercaseCharacters": True,
               "AllowUsersToChangePassword": True, "ExpirePasswords": True, "MaxPasswordAge": 60,
               "PasswordReusePrevention": 24, "HardExpiry": False}
    fix = fixes.build(V2["1.8"], account(current))
    assert fix.runs_as_shown
    assert fix.command == (
        "aws iam update-account-password-policy --minimum-password-length 14 --require-symbols --require-numbers "
        "--no-require-uppercase-characters --require-lowercase-characters --allow-users-to-change-password "
        "--no-hard-expiry --max-password-age 60 --password-reuse-prevention 24")
    # 1.9 gives the same command: run after 1.8's, it cannot undo it.
    assert fixes.build(V2["1.9"], account(current)) == fix
    longer = fixes.build(V2["1.9"], account({"MinimumPasswordLength": 20, "PasswordReusePrevention": 5}))
    assert longer.command == ("aws iam update-account-password-policy --minimum-password-length 20 "
                              "--password-reuse-prevention 24")


def bucket(name, policy=None, **extra):
    return Bucket(account=A, region="eu-west-1", resource=f"arn:aws:s3:::{name}", label=f"bucket/{name}", name=name,
                  policy=json.dumps(policy) if policy else None, **extra)


def test_the_bucket_policy_keeps_every_statement_and_adds_the_deny_per_version():
    kept = {"Sid": "Readers", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::logs/*"}
    fix = fixes.build(V2["2.1.1"], bucket("logs", {"Version": "2012-10-17", "Statement": [kept]}))
    (command,) = words(fix.command)
    assert command[:7] == ["aws", "s3api", "put-bucket-policy", "--region", "eu-west-1", "--bucket", "logs"]
    document = json.loads(command[-1])
    assert document["Statement"][0] == kept
    assert [s["Sid"] for s in document["Statement"]] == ["Readers", "DenyInsecureTransport"]
    assert document["Statement"][1]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    # v4.0.1 on (rule C1) accepts a TLS-version Deny too: it is offered beside the other.
    later = json.loads(words(fixes.build(V5["2.1.1"], bucket("logs")).command)[0][-1])
    assert [s["Sid"] for s in later["Statement"]] == ["DenyInsecureTransport", "DenyOutdatedTls"]


def test_mfa_delete_names_the_root_users_device():
    fix = fixes.build(V2["2.1.2"], bucket("logs", versioning={"Status": "Suspended"}))
    assert fix.placeholders == ("<root-mfa-device-arn>", "<mfa-code>")
    assert "--mfa \"<root-mfa-device-arn> <mfa-code>\"" in fix.command and "MFADelete=Enabled" in fix.command


def group(inbound, outbound=(), name="web", group_id="sg-1"):
    return SecurityGroup(account=A, region="us-east-1", resource=f"arn:aws:ec2:us-east-1:{A}:security-group/{group_id}",
                         label=f"security-group/{group_id}", id=group_id, group_name=name, name_tag=None,
                         description="", vpc_id="vpc-1", inbound=tuple(inbound), outbound=tuple(outbound),
                         inbound_rules=tuple(inbound), outbound_rules=tuple(outbound))


def test_a_security_group_fix_revokes_only_the_internet_range_of_the_opening_rule():
    ssh = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
           "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "anyone"}, {"CidrIp": "10.0.0.0/8"}]}
    web = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    fix = fixes.build(V2["5.2"], group([ssh, web]))
    (command,) = words(fix.command)
    assert json.loads(command[-1]) == [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    closed = fixes.build(V2["5.4"], group([ssh], [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
                                          name="default"))
    revoke_in, revoke_out = words(closed.command)
    assert revoke_in[2] == "revoke-security-group-ingress" and revoke_out[2] == "revoke-security-group-egress"
    assert json.loads(revoke_in[-1]) == [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                          "IpRanges": [{"CidrIp": "0.0.0.0/0"}, {"CidrIp": "10.0.0.0/8"}]}]


def test_a_network_acl_fix_denies_the_admin_ports_ahead_of_the_allow():
    entries = ({"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": False, "CidrBlock": "0.0.0.0/0"},
               {"RuleNumber": 99, "Protocol": "6", "RuleAction": "allow", "Egress": False, "CidrBlock": "10.0.0.0/8",
                "PortRange": {"From": 443, "To": 443}})
    acl = NetworkAcl(account=A, region="us-east-1", resource="acl-1", label="network-acl/acl-1", id="acl-1",
                     vpc_id="vpc-1", name=None, is_default=False, entries=entries)
    commands = words(fixes.build(V2["5.1"], acl).command)
    numbers = [c[c.index("--rule-number") + 1] for c in commands]
    assert numbers == ["98", "97", "96", "95"]  # 99 is taken; every Deny comes before 100
    assert all("deny" == c[-1] and c[c.index("--port-range") + 1] in ("From=22,To=22", "From=3389,To=3389")
               for c in commands)


def test_no_command_where_none_can_do_it():
    for check in ("2.3.1", "2.4.1", "1.4", "1.5"):
        fix = fixes.build(V2[check], account(None))
        assert fix.command is None and fix.why
        assert fix.to_dict() == {"command": None, "why": fix.why}


def test_a_hostile_name_from_aws_stays_one_inert_word_in_the_fix_and_in_the_script(tmp_path):
    hostile = bucket(HOSTILE)
    fix = fixes.build(V2["2.1.1"], hostile)
    (command,) = words(fix.command)
    assert command[command.index("--bucket") + 1] == HOSTILE
    finding = {"control": "2.1.1", "check": "2.1.1", "account": A, "region": "eu-west-1", "resource": hostile.resource,
               "status": "FAIL", "message": f"the policy of S3 bucket {HOSTILE} does not deny", "fix": fix.to_json()}
    text = "\n".join(script.lines([as_finding(finding)], "CIS"))
    # Every line is a comment, a variable, or an aws command; a line break from AWS ended no comment.
    for line in text.splitlines():
        assert not line or line.startswith(("#", "PROFILE_", "export AWS_PROFILE=", "aws ")), line
    # Run by a shell whose aws only prints its arguments: nothing else runs.
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "aws").write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n')
    (fake / "aws").chmod(0o755)
    marker = tmp_path / "pwned"
    body = text.replace("/tmp/pwned-by-fix", str(marker))
    ran = subprocess.run(["sh", "-c", body], capture_output=True, text=True, env={"PATH": f"{fake}:/usr/bin:/bin"})
    assert ran.returncode == 0, ran.stderr
    assert not marker.exists()
    assert HOSTILE.replace("/tmp/pwned-by-fix", str(marker)) in ran.stdout.split("\n--bucket\n", 1)[1]


def test_placeholders_and_nulls_stay_commented_out_in_the_script():
    base = {"account": A, "region": "us-east-1", "status": "FAIL", "message": "m"}
    findings = [
        {**base, "control": "3.7", "check": "3.7", "resource": "t1",
         "fix": fixes.Fix.run("aws cloudtrail update-trail --name t1 --kms-key-id <kms-key-arn>").to_json()},
        {**base, "control": "2.3.1", "check": "2.3.1", "resource": "db", "fix": fixes.Fix.none("a procedure").to_json()},
        {**base, "control": "1.8", "check": "1.8", "resource": A, "status": "WAIVED",
         "fix": fixes.Fix.run("aws iam update-account-password-policy --minimum-password-length 14").to_json()},
        {**base, "control": "1.9", "check": "1.9", "resource": A,
         "fix": fixes.Fix.run("aws iam update-account-password-policy --minimum-password-length 14").to_json()},
    ]
    lines = script.lines(map(as_finding, findings), "CIS")
    assert "# replace <kms-key-arn> first, then run:" in lines
    assert "# aws cloudtrail update-trail --name t1 --kms-key-id <kms-key-arn>" in lines
    assert "# no command: a procedure" in lines
    assert lines.count("aws iam update-account-password-policy --minimum-password-length 14") == 1
    assert f'PROFILE_{A}="${{PROFILE_{A}:-default}}"  # account {A}' in lines
