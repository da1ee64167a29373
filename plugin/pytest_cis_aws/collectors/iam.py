"""IAM evidence (global): account-wide facts, users, attached policies, server certificates.

Bulk reads first: one GetAccountAuthorizationDetails gives every user with its
groups and directly attached/inline policies, and every customer-managed policy with
its versions (AWS-managed policies are left out by its Filter); one credential report gives every user's (and the root user's) password,
MFA and access-key dates. Calls shared by several collectors (the credential report,
GAAD) are made once: the cached reader answers repeats from its table.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from ..aws.errors import AwsCallError
from ..aws.reader import Read
from ..aws.sessions import GLOBAL_REGION
from ..rules import ages, iam_policy
from .base import Unevaluable, Unit, collector, errors_of

ROOT_ROW = "<root_account>"
# AWS-managed policies, by name: their ARN is arn:<partition>:iam::aws:policy/<name>.
SUPPORT_POLICY = "AWSSupportAccess"
CLOUDSHELL_POLICY = "AWSCloudShellFullAccess"


def aws_managed_policy(aws, name: str) -> str:
    return f"arn:{aws.partition}:iam::aws:policy/{name}"
ROOT_VIRTUAL_MFA_SUFFIX = "root-account-mfa-device"
# GetCredentialReport answers these while the report GenerateCredentialReport asked for is being built.
REPORT_NOT_READY = ("ReportInProgress", "ReportNotPresent")


# -- records ------------------------------------------------------------------
@dataclass(frozen=True)
class RootUsage:
    """When the root user last signed in or used an access key (credential report)."""

    password_last_used: dt.datetime | None = None
    access_key_last_used: tuple[dt.datetime | None, ...] = ()

    @property
    def last_used(self) -> dt.datetime | None:
        uses = [d for d in (self.password_last_used, *self.access_key_last_used) if d is not None]
        return max(uses) if uses else None


@dataclass(frozen=True, kw_only=True)
class IamAccount(Unit):
    """Account-wide IAM facts."""

    checked_at: dt.datetime  # the run's clock: ages are measured from it
    summary: dict[str, Any] | None = None
    password_policy: dict[str, Any] | None = None  # None: the account has no password policy
    root_virtual_mfa: bool | None = None  # the root user's MFA is a virtual device
    root_usage: RootUsage | None = None
    support_roles: tuple[str, ...] = ()  # roles with AWSSupportAccess attached
    cloudshell_entities: tuple[str, ...] = ()  # "user/x", "group/y", "role/z" with AWSCloudShellFullAccess

    def summary_field(self, name: str) -> int:
        """One count of GetAccountSummary's SummaryMap. AWS documents these fields but gives no
        default for one left out, so a missing one is an ERROR naming it, never a guess."""
        value = (self.summary or {}).get(name)
        if value is None:
            raise AwsCallError(self.account, GLOBAL_REGION, "iam", "GetAccountSummary", "MissingField",
                               f"the answer's SummaryMap has no {name}, which this control needs")
        return value


@dataclass(frozen=True)
class AccessKeySlot:
    """One of a user's two access-key columns in the credential report."""

    number: int  # 1 or 2
    active: bool
    last_rotated: dt.datetime | None
    last_used: dt.datetime | None


@dataclass(frozen=True)
class UserKey:
    """One access key of a user: its id (iam:ListAccessKeys) and its use (credential report)."""

    id: str
    active: bool
    created: dt.datetime | None  # the report's "last rotated": a key is never changed in place
    last_used: dt.datetime | None


@dataclass(frozen=True, kw_only=True)
class IamUser(Unit):
    checked_at: dt.datetime  # the run's clock: ages are measured from it
    name: str
    arn: str
    created: dt.datetime | None = None
    groups: tuple[str, ...] = ()
    attached_policies: tuple[str, ...] = ()  # managed policy names attached to the user itself
    inline_policies: tuple[str, ...] = ()
    # From the credential report ("credentials" in errors when it is unknown):
    password_enabled: bool = False
    password_last_used: dt.datetime | None = None
    password_last_changed: dt.datetime | None = None
    mfa_active: bool = False
    # Every access key, with its id ("access_keys" in errors when they could not be listed).
    access_keys: tuple[UserKey, ...] = ()

    @property
    def active_keys(self) -> tuple[UserKey, ...]:
        return tuple(k for k in self.access_keys if k.active)

    # -- what the fix templates of 1.11-1.13 name (tuples: one command per key) ----------
    @property
    def setup_key_ids(self) -> tuple[str, ...]:
        """1.11: active keys never used, on a user with a console password."""
        return tuple(k.id for k in self.active_keys if k.last_used is None) if self.password_enabled else ()

    @property
    def stale_key_ids(self) -> tuple[str, ...]:
        """1.12: active keys unused for 45 days or more."""
        return tuple(c.key_id for c in stale_credentials(self) if c.key_id)

    @property
    def stale_password(self) -> tuple[str, ...]:
        """1.12: the user's name when its console password is unused for 45 days or more."""
        return (self.name,) if any(c.key_id is None for c in stale_credentials(self)) else ()

    @property
    def extra_active_key_ids(self) -> tuple[str, ...]:
        """1.13: every active key but the most recently used (or, never used, created) one."""
        ranked = sorted(self.active_keys, key=lambda k: (k.last_used or k.created or _EPOCH, k.id))
        return tuple(k.id for k in ranked[:-1])


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


@dataclass(frozen=True, kw_only=True)
class AccessKey(Unit):
    """An active access key (1.14): ``resource`` is its id, AWS gives access keys no ARN."""

    checked_at: dt.datetime  # the run's clock: ages are measured from it
    user_name: str
    key_id: str
    last_rotated: dt.datetime | None
    last_used: dt.datetime | None


@dataclass(frozen=True, kw_only=True)
class ManagedPolicy(Unit):
    """A managed policy attached to at least one user, group or role."""

    name: str
    arn: str
    default_version: str
    aws_managed: bool
    document: dict | None = None  # the default version's document ("document" in errors if unknown)


@dataclass(frozen=True, kw_only=True)
class ServerCertificate(Unit):
    checked_at: dt.datetime  # the run's clock: ages are measured from it
    name: str
    arn: str
    expiration: dt.datetime | None


# -- the credential report ------------------------------------------------------
def parse_report_date(value: str | None) -> dt.datetime | None:
    """A credential-report timestamp; None for N/A, no_information, not_supported."""
    if not value or not value[:4].isdigit():
        return None
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def parse_credential_report(content: bytes | str) -> dict[str, dict[str, str]]:
    text = content.decode() if isinstance(content, (bytes, bytearray)) else content
    return {row["user"]: row for row in csv.DictReader(io.StringIO(text))}


def credential_report(aws) -> dict[str, dict[str, str]]:
    """Rows of the account's credential report by user name; raises AwsCallError."""
    aws.call("iam", "GenerateCredentialReport")
    report = aws.poll("iam", "GetCredentialReport", retry_on=REPORT_NOT_READY)
    return parse_credential_report(report["Content"])


def _key_slots(row: dict[str, str]) -> tuple[AccessKeySlot, ...]:
    return tuple(
        AccessKeySlot(
            number=n,
            active=row.get(f"access_key_{n}_active") == "true",
            last_rotated=parse_report_date(row.get(f"access_key_{n}_last_rotated")),
            last_used=parse_report_date(row.get(f"access_key_{n}_last_used_date")),
        )
        for n in (1, 2)
    )


def _has_keys(row: dict[str, str]) -> bool:
    """The report shows an access key (active or not) for this user."""
    return any(slot.active or slot.last_rotated is not None for slot in _key_slots(row))


def _second(when: dt.datetime | None) -> dt.datetime | None:
    return when.replace(microsecond=0) if when is not None else None


def user_keys(listed: list[dict], row: dict[str, str]) -> tuple[UserKey, ...]:
    """The user's keys (iam:ListAccessKeys), each with its use from the report's key slots.

    The report names keys only by slot; a slot belongs to the key created when the slot
    was last rotated. Slots left over (a report older than a key) go to the remaining
    keys in creation order; a key with no slot has no recorded use.
    """
    keys = sorted(listed, key=lambda k: (_second(k.get("CreateDate")) or _EPOCH, k["AccessKeyId"]))
    slots = [slot for slot in _key_slots(row) if slot.last_rotated is not None]
    used: dict[str, dt.datetime | None] = {}
    for slot in list(slots):
        match = next((k for k in keys if k["AccessKeyId"] not in used
                      and _second(k.get("CreateDate")) == _second(slot.last_rotated)), None)
        if match is not None:
            used[match["AccessKeyId"]] = slot.last_used
            slots.remove(slot)
    for key, slot in zip([k for k in keys if k["AccessKeyId"] not in used], slots):
        used[key["AccessKeyId"]] = slot.last_used
    return tuple(
        UserKey(id=k["AccessKeyId"], active=k.get("Status") == "Active", created=k.get("CreateDate"),
                last_used=used.get(k["AccessKeyId"]))
        for k in keys
    )


def _read(fn, *args) -> Read:
    """Run ``fn`` and keep its AWS error instead of raising it (evidence some controls need)."""
    try:
        return Read(fn(*args))
    except AwsCallError as error:
        return Read(None, error)


# -- collectors -------------------------------------------------------------------
@collector(regional=False)
def account(aws) -> IamAccount:
    summary = aws.read("iam", "GetAccountSummary")
    policy = aws.read("iam", "GetAccountPasswordPolicy", absent=("NoSuchEntity",))
    virtual_mfa = aws.read("iam", "ListVirtualMFADevices")
    report = _read(credential_report, aws)
    support = aws.read("iam", "ListEntitiesForPolicy", PolicyArn=aws_managed_policy(aws, SUPPORT_POLICY))
    cloudshell = aws.read("iam", "ListEntitiesForPolicy", PolicyArn=aws_managed_policy(aws, CLOUDSHELL_POLICY))
    root_row = (report.value or {}).get(ROOT_ROW)
    return IamAccount(
        account=aws.account,
        region=GLOBAL_REGION,
        resource=aws.account,
        label="account",
        checked_at=aws.now,
        summary=(summary.value or {}).get("SummaryMap"),
        password_policy=(policy.value or {}).get("PasswordPolicy") if policy.value else None,
        root_virtual_mfa=any(
            d["SerialNumber"].endswith(ROOT_VIRTUAL_MFA_SUFFIX)
            for d in (virtual_mfa.value or {}).get("VirtualMFADevices", [])
        ),
        root_usage=_root_usage(root_row) if root_row else RootUsage(),
        support_roles=tuple(r["RoleName"] for r in (support.value or {}).get("PolicyRoles", [])),
        cloudshell_entities=_entities(cloudshell.value or {}),
        errors=errors_of(
            summary=summary,
            password_policy=policy,
            virtual_mfa=virtual_mfa,
            root_usage=report,
            support_roles=support,
            cloudshell_entities=cloudshell,
        ),
    )


def _root_usage(row: dict[str, str]) -> RootUsage:
    return RootUsage(
        password_last_used=parse_report_date(row.get("password_last_used")),
        access_key_last_used=tuple(slot.last_used for slot in _key_slots(row)),
    )


def _entities(response: dict) -> tuple[str, ...]:
    return (
        tuple(f"user/{u['UserName']}" for u in response.get("PolicyUsers", []))
        + tuple(f"group/{g['GroupName']}" for g in response.get("PolicyGroups", []))
        + tuple(f"role/{r['RoleName']}" for r in response.get("PolicyRoles", []))
    )


# What the suite reads of GetAccountAuthorizationDetails: users, and the customer-managed
# policies with their versions. Not the AWS-managed policies: over a thousand bodies (about
# 4 MB per account) nearly all unused; the few attached ones are read with GetPolicyVersion.
AUTHORIZATION_DETAILS_FILTER = ["User", "LocalManagedPolicy"]


def authorization_details(aws) -> dict:
    """Every user and customer-managed policy of the account, in one paginated call."""
    return aws.call("iam", "GetAccountAuthorizationDetails", Filter=AUTHORIZATION_DETAILS_FILTER)


@collector(regional=False)
def users(aws) -> list[IamUser]:
    details = authorization_details(aws)  # a failure here makes the whole listing an ERROR
    report = _read(credential_report, aws)
    found = []
    for raw in details.get("UserDetailList", []):
        name = raw["UserName"]
        row = (report.value or {}).get(name)
        errors = errors_of(credentials=report)
        if report.value is not None and row is None:
            # The report is rebuilt at most every 4 hours: a newer user is not in it yet.
            errors = {"credentials": AwsCallError(
                aws.account, GLOBAL_REGION, "iam", "GetCredentialReport", "UserNotInReport",
                f"the credential report has no row for IAM user {name} yet",
            )}
        row = row or {}
        keys: tuple[UserKey, ...] = ()
        if _has_keys(row):
            listed = aws.read("iam", "ListAccessKeys", UserName=name)
            keys = user_keys((listed.value or {}).get("AccessKeyMetadata", []), row)
            errors = {**errors, **errors_of(access_keys=listed)}
        found.append(
            IamUser(
                account=aws.account,
                region=GLOBAL_REGION,
                resource=raw["Arn"],
                label=f"user/{name}",
                checked_at=aws.now,
                name=name,
                arn=raw["Arn"],
                created=raw.get("CreateDate"),
                groups=tuple(raw.get("GroupList", [])),
                attached_policies=tuple(p["PolicyName"] for p in raw.get("AttachedManagedPolicies", [])),
                inline_policies=tuple(p["PolicyName"] for p in raw.get("UserPolicyList", [])),
                password_enabled=row.get("password_enabled") == "true",
                password_last_used=parse_report_date(row.get("password_last_used")),
                password_last_changed=parse_report_date(row.get("password_last_changed")),
                mfa_active=row.get("mfa_active") == "true",
                access_keys=keys,
                errors=errors,
            )
        )
    return found


@collector(regional=False)
def attached_policies(aws) -> list[ManagedPolicy]:
    """Managed policies in use, each with its default version's document.

    The documents come from GetAccountAuthorizationDetails where it has them (all
    customer-managed policies); an AWS-managed policy it lacks is read with
    GetPolicyVersion, so every attached policy is judged by its own default version.
    """
    listed = aws.call("iam", "ListPolicies", OnlyAttached=True, Scope="All")["Policies"]
    details = authorization_details(aws)
    documents = {
        p["Arn"]: iam_policy.default_version_document(p.get("PolicyVersionList", []))
        for p in details.get("Policies", [])
    }
    found = []
    for policy in listed:
        arn, version = policy["Arn"], policy["DefaultVersionId"]
        document, errors = documents.get(arn), {}
        if document is None:
            read = aws.read("iam", "GetPolicyVersion", PolicyArn=arn, VersionId=version)
            document = (read.value or {}).get("PolicyVersion", {}).get("Document")
            errors = errors_of(document=read)
        found.append(
            ManagedPolicy(
                account=aws.account,
                region=GLOBAL_REGION,
                resource=arn,
                label=f"policy/{policy['PolicyName']}",
                name=policy["PolicyName"],
                arn=arn,
                default_version=version,
                aws_managed=arn.split(":")[4] == "aws",
                document=iam_policy.parse_document(document) if document is not None else None,
                errors=errors,
            )
        )
    return found


@collector(regional=False)
def server_certificates(aws) -> list[ServerCertificate]:
    listed = aws.call("iam", "ListServerCertificates")["ServerCertificateMetadataList"]
    return [
        ServerCertificate(
            account=aws.account,
            region=GLOBAL_REGION,
            resource=cert["Arn"],
            label=f"server-certificate/{cert['ServerCertificateName']}",
            checked_at=aws.now,
            name=cert["ServerCertificateName"],
            arn=cert["Arn"],
            expiration=cert.get("Expiration"),
        )
        for cert in listed
    ]


# -- rules over the evidence ---------------------------------------------------------
@dataclass(frozen=True)
class StaleCredential:
    """A credential of a user unused for too long (1.12)."""

    key_id: str | None  # None: the console password
    description: str


def stale_credentials(user: IamUser, days: int = ages.UNUSED_DAYS) -> list[StaleCredential]:
    """The user's enabled credentials unused for ``days`` days or more.

    A credential used at some point is judged by its last use; one never used, by when
    it was created or last rotated (a key issued and left idle is unused too).
    """
    candidates = []
    if user.password_enabled:
        candidates.append((None, "console password", user.password_last_used, user.password_last_changed or user.created))
    for key in user.active_keys:
        candidates.append((key.id, f"access key {key.id}", key.last_used, key.created))
    found = []
    for key_id, what, last_used, issued in candidates:
        if last_used is not None:
            if ages.unused_too_long(last_used, user.checked_at, days):
                found.append(StaleCredential(key_id, f"{what} last used {ages.in_words(user.checked_at - last_used)} ago"))
        elif issued is not None and ages.unused_too_long(issued, user.checked_at, days):
            found.append(StaleCredential(key_id, f"{what} never used, issued {ages.in_words(user.checked_at - issued)} ago"))
    return found


# -- unit sources -------------------------------------------------------------------
def accounts(inv):
    """Account units carrying IamAccount evidence."""
    return inv.accounts(account)


def all_users(inv):
    return inv.per_account(users, lambda _, found: found, what="users")


def console_users(inv):
    """Users with a console password (and users whose report row is unknown: they are ERRORs)."""
    return (
        u for u in all_users(inv)
        if not isinstance(u, IamUser) or u.password_enabled or "credentials" in u.errors
    )


def active_access_keys(inv):
    """One unit per active access key of every user."""

    def build(_, found: list[IamUser]):
        for user in found:
            unknown = user.errors.get("credentials") or user.errors.get("access_keys")
            if unknown is not None:  # its keys are unknown: say so, do not drop them
                yield Unevaluable(account=user.account, region=GLOBAL_REGION, resource=user.arn,
                                  label=f"user/{user.name}/access-keys", error=unknown)
                continue
            for key in user.active_keys:
                yield AccessKey(
                    account=user.account,
                    region=GLOBAL_REGION,
                    resource=key.id,
                    label=f"user/{user.name}/access-key/{key.id}",
                    checked_at=user.checked_at,
                    user_name=user.name,
                    key_id=key.id,
                    last_rotated=key.created,
                    last_used=key.last_used,
                )

    return inv.per_account(users, build, what="access-keys")


def policies_in_use(inv):
    return inv.per_account(attached_policies, lambda _, found: found, what="policies")


def certificates(inv):
    return inv.per_account(server_certificates, lambda _, found: found, what="server-certificates")
