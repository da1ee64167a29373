"""Section 1: Identity and Access Management."""
from plugin.controls import control
from plugin.evidence import iam


@control("1.4", units=iam.accounts, reads=("summary",))
def test_1_4_no_root_access_key(account):
    assert account.summary["AccountAccessKeysPresent"] == 0, (
        f"the root user of account {account.account} has an access key"
    )


@control("1.5", units=iam.accounts, reads=("summary",))
def test_1_5_root_mfa_enabled(account):
    assert account.summary["AccountMFAEnabled"] == 1, f"the root user of account {account.account} has no MFA"
