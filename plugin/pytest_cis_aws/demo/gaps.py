"""Fillers for what moto does not implement, served beside moto in the demo server.

A filler answers one service's requests from state the seeding layer put here.
The demo server routes requests for these services to the filler first (see
server.py); a filler that returns None leaves the request to moto, so a filler can
add the one operation moto lacks to a service moto otherwise serves. Our tests
install the same fillers in-process via ``install_in_process`` (botocore's
before-send event, as moto itself does).
"""
from __future__ import annotations

import json
import re
import threading
from typing import Callable, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from botocore.awsrequest import AWSResponse
from botocore.exceptions import BotoCoreError


class Filler(Protocol):
    # botocore signing name of the service, e.g. "access-analyzer"
    signing_name: str

    def handle(self, method: str, path: str, query: str, body: bytes, account: str, region: str,
               headers: dict | None = None) -> tuple[int, dict, bytes] | None:
        """(status, headers, body), or None to let moto answer."""
        ...


FILLERS: dict[str, Filler] = {}


def register(filler: Filler) -> Filler:
    FILLERS[filler.signing_name] = filler
    return filler


def reset() -> None:
    for filler in FILLERS.values():
        reset_state: Callable | None = getattr(filler, "reset", None)
        if reset_state:
            reset_state()


# -- Access Analyzer ------------------------------------------------------------
class AccessAnalyzerFiller:
    """IAM Access Analyzer, which moto lacks: ListAnalyzers and GetAnalyzer (REST-JSON).

    State is seeded per account and region with :meth:`add`; answers have the real
    API's shape (``{"analyzers": [...]}``, ISO-8601 ``createdAt``).
    """

    signing_name = "access-analyzer"

    def __init__(self) -> None:
        self._analyzers: dict[tuple[str, str], list[dict]] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._analyzers.clear()

    def add(self, account: str, region: str, name: str, *, status: str = "ACTIVE", type: str = "ACCOUNT") -> dict:
        analyzer = {
            "arn": f"arn:aws:access-analyzer:{region}:{account}:analyzer/{name}",
            "name": name,
            "type": type,
            "status": status,
            "createdAt": "2026-01-05T09:30:00Z",
            "tags": {},
        }
        with self._lock:
            self._analyzers.setdefault((account, region), []).append(analyzer)
        return analyzer

    def handle(self, method: str, path: str, query: str, body: bytes, account: str, region: str,
               headers: dict | None = None) -> tuple[int, dict, bytes]:
        with self._lock:
            found = [dict(a) for a in self._analyzers.get((account, region), [])]
        parts = [p for p in path.split("/") if p]
        if method == "GET" and parts == ["analyzer"]:
            wanted = parse_qs(query).get("type")
            listed = [a for a in found if not wanted or a["type"] == wanted[0]]
            return _json(200, {"analyzers": listed})
        if method == "GET" and len(parts) == 2 and parts[0] == "analyzer":
            match = [a for a in found if a["name"] == unquote(parts[1])]
            if match:
                return _json(200, {"analyzer": match[0]})
            return _json_error(404, "ResourceNotFoundException", f"Analyzer {unquote(parts[1])} not found")
        return _json_error(400, "ValidationException", f"the demo's Access Analyzer answers only ListAnalyzers and GetAnalyzer, not {method} {path}")


def _json(status: int, payload: dict) -> tuple[int, dict, bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()


def _json_error(status: int, code: str, message: str, extra: dict | None = None) -> tuple[int, dict, bytes]:
    headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code}
    return status, headers, json.dumps({"message": message, **(extra or {})}).encode()


access_analyzer = register(AccessAnalyzerFiller())


# -- moto's own answers that differ from AWS --------------------------------------------
def _every_trail_of_the_account(backend):
    """cloudtrail:ListTrails as AWS answers it: every trail of the account, in any home region
    (moto lists only the trails DescribeTrails with shadow trails would)."""
    from moto.cloudtrail.models import cloudtrail_backends

    return [trail for regional in cloudtrail_backends[backend.account_id].values() for trail in regional.trails.values()]


def _organization_trails_covering(account: str) -> list:
    """The organization trails of ``account``'s organization, when it is a member (moto keeps
    them in the management account only)."""
    from moto.cloudtrail.models import cloudtrail_backends

    backend, is_management = _organization_of(account)
    if backend is None or is_management or backend.org is None:  # no organization, or one since deleted
        return []
    management = backend.org.master_account_id
    return [trail for regional in cloudtrail_backends[management].values()
            for trail in regional.trails.values() if trail.is_org_trail]


def _trail_by_arn_from_member(backend, name: str):
    """AWS lets a member read the organization trail that covers it by its full ARN only."""
    if not name.startswith("arn:"):
        return None
    return next((t for t in _organization_trails_covering(backend.account_id) if t.arn == name), None)


def patch_moto() -> None:
    """Make moto answer like AWS where the audit depends on it (idempotent, process-wide)."""
    from moto.cloudtrail.models import CloudTrailBackend

    CloudTrailBackend.list_trails = _every_trail_of_the_account
    if getattr(CloudTrailBackend, "_cis_organization_trails", False):
        return
    CloudTrailBackend._cis_organization_trails = True
    describe, status, selectors = (CloudTrailBackend.describe_trails, CloudTrailBackend.get_trail_status,
                                   CloudTrailBackend.get_event_selectors)

    def describe_trails(self, include_shadow_trails):
        """AWS: every member's DescribeTrails lists the organization trail (IsOrganizationTrail true,
        its ARN in the management account, its home region), as a shadow trail where it records."""
        found = list(describe(self, include_shadow_trails))
        if include_shadow_trails:
            found += [t for t in _organization_trails_covering(self.account_id)
                      if t.is_multi_region or t.region_name == self.region_name]
        return found

    def get_trail_status(self, name):
        trail = _trail_by_arn_from_member(self, name)
        return trail.status if trail is not None else status(self, name)

    def get_event_selectors(self, trail_name):
        trail = _trail_by_arn_from_member(self, trail_name)
        if trail is None:
            return selectors(self, trail_name)
        return (trail.arn, *trail.get_event_selectors())

    CloudTrailBackend.describe_trails = describe_trails
    CloudTrailBackend.get_trail_status = get_trail_status
    CloudTrailBackend.get_event_selectors = get_event_selectors


# -- Glacier vault access policies -----------------------------------------------------
class GlacierPolicyFiller:
    """Glacier's GetVaultAccessPolicy, which moto answers "Not yet implemented"; moto keeps
    serving the rest of Glacier (ListVaults...). Policies are seeded per account, region
    and vault with :meth:`put`; a vault without one answers ResourceNotFoundException, as AWS does."""

    signing_name = "glacier"

    def __init__(self) -> None:
        self._policies: dict[tuple[str, str, str], str] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._policies.clear()

    def put(self, account: str, region: str, vault: str, policy: dict | str) -> None:
        with self._lock:
            self._policies[(account, region, vault)] = policy if isinstance(policy, str) else json.dumps(policy)

    def handle(self, method: str, path: str, query: str, body: bytes, account: str, region: str,
               headers: dict | None = None) -> tuple[int, dict, bytes] | None:
        parts = [unquote(p) for p in path.split("/") if p]
        if method != "GET" or len(parts) != 4 or parts[1] != "vaults" or parts[3] != "access-policy":
            return None
        with self._lock:
            policy = self._policies.get((account, region, parts[2]))
        if policy is None:
            return _json_error(404, "ResourceNotFoundException", f"No vault access policy is set for: {parts[2]}",
                               {"code": "ResourceNotFoundException", "type": "Client"})
        return _json(200, {"Policy": policy})  # the body is the output's payload member, "policy"


glacier_policies = register(GlacierPolicyFiller())


# -- AWS Organizations: centralized root access and the delegation policy ----------------------
def _organization_of(account: str):
    """moto's organization backend for ``account``: (backend of its management account, is it the management account)."""
    from moto.organizations.models import organizations_backends

    own = organizations_backends[account]["aws"]
    if own.org is not None:
        return own, True
    if account in organizations_backends.master_accounts:
        management, partition = organizations_backends.master_accounts[account]
        return organizations_backends[management][partition], False
    return None, False


class IamOrganizationsFeaturesFiller:
    """IAM's ListOrganizationsFeatures (centralized root access), which moto lacks; every other
    IAM request goes to moto. The answer follows AWS's: the organization from moto, trusted
    access for iam.amazonaws.com from moto, and the features seeded with :meth:`enable`."""

    signing_name = "iam"
    ACTION = "ListOrganizationsFeatures"

    def __init__(self) -> None:
        self._features: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._features.clear()

    def enable(self, management_account: str, *features: str) -> None:
        with self._lock:
            self._features[management_account] = list(features)

    def handle(self, method: str, path: str, query: str, body: bytes, account: str, region: str,
               headers: dict | None = None) -> tuple[int, dict, bytes] | None:
        params = parse_qs(body.decode(errors="replace")) if body else parse_qs(query)
        if params.get("Action", [""])[0] != self.ACTION:
            return None
        backend, management = _organization_of(account)
        if backend is None:
            return _query_error("OrganizationNotFoundException", "The organization does not exist.")
        if not management:
            return _query_error("AccountNotManagementOrDelegatedAdministratorException",
                                "The account is not the management account or a delegated administrator.")
        if not any(s.get("ServicePrincipal") == "iam.amazonaws.com" for s in backend.services):
            return _query_error("ServiceAccessNotEnabledException",
                                "Trusted access is not enabled for iam.amazonaws.com in the organization.")
        with self._lock:
            features = list(self._features.get(account, []))
        members = "".join(f"<member>{f}</member>" for f in features)
        xml = (f'<{self.ACTION}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><{self.ACTION}Result>'
               f"<OrganizationId>{backend.org.id}</OrganizationId><EnabledFeatures>{members}</EnabledFeatures>"
               f"</{self.ACTION}Result><ResponseMetadata><RequestId>demo</RequestId></ResponseMetadata>"
               f"</{self.ACTION}Response>")
        return 200, {"Content-Type": "text/xml"}, xml.encode()


iam_organizations_features = register(IamOrganizationsFeaturesFiller())


class OrganizationsResourcePolicyFiller:
    """Organizations' DescribeResourcePolicy (the delegation policy), which moto lacks; every other
    Organizations request goes to moto. Seeded per management account with :meth:`put`."""

    signing_name = "organizations"
    TARGET = "AWSOrganizationsV20161128.DescribeResourcePolicy"

    def __init__(self) -> None:
        self._policies: dict[str, str] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._policies.clear()

    def put(self, management_account: str, content: dict | str) -> None:
        with self._lock:
            self._policies[management_account] = content if isinstance(content, str) else json.dumps(content)

    def handle(self, method: str, path: str, query: str, body: bytes, account: str, region: str,
               headers: dict | None = None) -> tuple[int, dict, bytes] | None:
        target = {k.lower(): v for k, v in (headers or {}).items()}.get("x-amz-target", "")
        if target != self.TARGET:
            return None
        backend, management = _organization_of(account)
        if backend is None:
            return _json_error(400, "AWSOrganizationsNotInUseException",
                               "Your account is not a member of an organization.", {"__type": "AWSOrganizationsNotInUseException"})
        if not management:
            return _json_error(400, "AccessDeniedException", "You don't have permissions to access this resource.",
                               {"__type": "AccessDeniedException"})
        with self._lock:
            content = self._policies.get(account)
        if content is None:
            return _json_error(400, "ResourcePolicyNotFoundException", "The organization has no resource policy.",
                               {"__type": "ResourcePolicyNotFoundException"})
        arn = f"arn:aws:organizations::{account}:resourcepolicy/{backend.org.id}/rp-demo0001"
        return _json(200, {"ResourcePolicy": {"ResourcePolicySummary": {"Id": "rp-demo0001", "Arn": arn},
                                              "Content": content}})


organizations_resource_policy = register(OrganizationsResourcePolicyFiller())


def _query_error(code: str, message: str) -> tuple[int, dict, bytes]:
    xml = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
           "<RequestId>demo</RequestId></ErrorResponse>")
    return 400, {"Content-Type": "text/xml"}, xml.encode()


# -- the same fillers inside mock_aws (our tests) ------------------------------------------
_SIGNATURE = re.compile(r"Credential=([^/]+)/\d+/([^/]+)/([^/]+)/")
_LOCAL_HOSTS = ("127.0.0.1", "localhost")


class UnansweredRequest(BotoCoreError):
    """A request neither moto nor a filler answered, stopped before it leaves the machine."""

    fmt = "no moto backend or demo filler answers {url}: the request was not sent"


class _InProcess:
    enabled = False


def _signature(request) -> tuple[str, str, str] | None:
    header = request.headers.get("Authorization", "")
    header = header.decode() if isinstance(header, bytes) else header
    match = _SIGNATURE.search(header)
    return match.groups() if match else None  # (access key, region, signing name)


def _filler_answer(request):
    """The filler's answer when ``request`` is for a service a filler serves, else None."""
    signed = _signature(request)
    if signed is None or signed[2] not in FILLERS:
        return None
    from moto.core.botocore_stubber import MockRawResponse
    from moto.iam.models import get_account_id_from

    access_key, region, service = signed
    url = urlsplit(request.url)
    body = request.body or b""
    body = body.encode() if isinstance(body, str) else body
    answer = FILLERS[service].handle(
        request.method, url.path, url.query, body, get_account_id_from(access_key), region,
        headers={k: (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()},
    )
    if answer is None:
        return None  # moto's to answer
    status, headers, payload = answer
    return AWSResponse(request.url, status, headers, MockRawResponse(payload))


class _MotoWithFillers:
    """Stands in moto's place on botocore's ``before-send`` event while our tests run.

    botocore calls every ``before-send`` handler and keeps the first answer, so a guard
    registered after moto could not tell whether moto answered. This one wraps moto's
    handler instead: fillers first, then moto, and a request neither answers is refused
    before it leaves the machine (only 127.0.0.1 / localhost may be reached).
    """

    def __init__(self, moto_stubber):
        self.moto_stubber = moto_stubber

    def __call__(self, event_name: str, request, **kwargs):
        if not _InProcess.enabled:
            return self.moto_stubber(event_name, request, **kwargs)
        answer = _filler_answer(request)
        if answer is None:
            answer = self.moto_stubber(event_name, request, **kwargs)
        if answer is None and urlsplit(request.url).hostname not in _LOCAL_HOSTS:
            raise UnansweredRequest(url=request.url)
        return answer


def install_in_process() -> None:
    """Serve the fillers to in-process clients under mock_aws, and refuse what nobody answers.

    moto answers in-process requests from botocore's BUILTIN_HANDLERS; its entry is
    wrapped once (idempotent). Sessions created afterwards get the wrapper.
    """
    from botocore.handlers import BUILTIN_HANDLERS
    from moto.core.models import botocore_stubber

    for index, entry in enumerate(BUILTIN_HANDLERS):
        if entry[1] is botocore_stubber:
            BUILTIN_HANDLERS[index] = (entry[0], _MotoWithFillers(botocore_stubber), *entry[2:])
    patch_moto()
    _InProcess.enabled = True


def uninstall_in_process() -> None:
    _InProcess.enabled = False
