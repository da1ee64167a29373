"""IAM fixes built from the evidence: the password policy (1.8, 1.9), CloudShell (1.22)."""
from __future__ import annotations

from .model import Fix, partition_of, quote

# What CIS asks of the password policy (cis_checks/test_iam.py asserts the same numbers).
MIN_PASSWORD_LENGTH = 14
PASSWORD_REUSE = 24

# update-account-password-policy replaces the whole policy: every setting it is not given
# goes back to AWS's default. So each current setting is passed back as it is.
_FLAGS = (
    ("RequireSymbols", "--require-symbols", "--no-require-symbols"),
    ("RequireNumbers", "--require-numbers", "--no-require-numbers"),
    ("RequireUppercaseCharacters", "--require-uppercase-characters", "--no-require-uppercase-characters"),
    ("RequireLowercaseCharacters", "--require-lowercase-characters", "--no-require-lowercase-characters"),
    ("AllowUsersToChangePassword", "--allow-users-to-change-password", "--no-allow-users-to-change-password"),
    ("HardExpiry", "--hard-expiry", "--no-hard-expiry"),
)


def password_policy(control, account) -> Fix:
    """The current policy with every setting kept and only what CIS asks raised.

    1.8 and 1.9 get the same command, raising both numbers where both fall short: two
    commands that each raised one would undo each other when both are run.
    """
    policy = dict(account.password_policy or {})
    policy["MinimumPasswordLength"] = max(policy.get("MinimumPasswordLength", 0), MIN_PASSWORD_LENGTH)
    policy["PasswordReusePrevention"] = max(policy.get("PasswordReusePrevention", 0), PASSWORD_REUSE)
    words = ["aws iam update-account-password-policy",
             f"--minimum-password-length {int(policy['MinimumPasswordLength'])}"]
    for key, on, off in _FLAGS:
        if key in policy:
            words.append(on if policy[key] else off)
    if policy.get("MaxPasswordAge"):  # absent or 0: passwords never expire, which is AWS's default too
        words.append(f"--max-password-age {int(policy['MaxPasswordAge'])}")
    words.append(f"--password-reuse-prevention {int(policy['PasswordReusePrevention'])}")
    return Fix.run(" ".join(words))


CLOUDSHELL_POLICY = "arn:{partition}:iam::aws:policy/AWSCloudShellFullAccess"
_DETACH = {"user": "detach-user-policy --user-name", "group": "detach-group-policy --group-name",
           "role": "detach-role-policy --role-name"}


def cloudshell(control, account) -> Fix:
    """Detach AWSCloudShellFullAccess from each holder the audit found, and nothing else."""
    arn = CLOUDSHELL_POLICY.format(partition=partition_of(account))
    commands = []
    for holder in account.cloudshell_entities:
        kind, _, name = holder.partition("/")
        if kind in _DETACH:
            commands.append(f"aws iam {_DETACH[kind]} {quote(name)} --policy-arn {quote(arn)}")
    return Fix.run(*commands)
