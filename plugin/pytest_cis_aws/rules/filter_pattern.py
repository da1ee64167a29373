"""CloudWatch Logs JSON filter patterns: parse, normalise, and decide coverage (4.1-4.15).

Accounts write the benchmark's patterns in many equivalent ways: other spacing, quoted or
bare values, ``$.field`` or ``$field``, operands in another order, extra parentheses,
extra ``||`` alternatives. Comparing strings gets all of those wrong, so a pattern is
parsed (``&&`` binds tighter than ``||``, as in CloudWatch Logs) into disjunctive normal
form: a set of conjunctions of atomic comparisons. Then

    covers(account, benchmark)

holds when every event the benchmark's pattern matches also matches the account's: each
benchmark conjunction implies some account conjunction, i.e. every comparison of that
account conjunction follows from the comparisons of the benchmark conjunction. The check
is sound (it never accepts a filter that misses a benchmark event); it does not try to
prove implications that need several comparisons combined.

CloudTrail facts the syntax cannot express are modelled explicitly: an event's name
fixes its source (``CreateRoute`` always comes from ``ec2.amazonaws.com``), so a filter
restricted to that source is not narrower than the benchmark for those events.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product

# An account's pattern that expands to more conjunctions than this is not analysed.
MAX_CONJUNCTIONS = 4096

# The source of every CloudTrail event a benchmark pattern names, where the name alone
# fixes it. Names two services share (CreatePolicy, DeletePolicy: IAM and Organizations)
# are left out on purpose: the name does not tell which service the event came from.
EVENT_SOURCES: dict[str, str] = {
    **{name: "iam.amazonaws.com" for name in (
        "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy",
        "PutUserPolicy", "CreatePolicyVersion", "DeletePolicyVersion", "AttachRolePolicy",
        "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy",
    )},
    **{name: "cloudtrail.amazonaws.com" for name in (
        "CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging",
    )},
    "ConsoleLogin": "signin.amazonaws.com",
    **{name: "kms.amazonaws.com" for name in ("DisableKey", "ScheduleKeyDeletion")},
    **{name: "s3.amazonaws.com" for name in (
        "PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
        "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication",
    )},
    **{name: "config.amazonaws.com" for name in (
        "StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder",
    )},
    **{name: "ec2.amazonaws.com" for name in (
        "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
        "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup", "ModifySecurityGroupRules",
        "CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
        "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation",
        "CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway",
        "DeleteInternetGateway", "DetachInternetGateway",
        "CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation", "DeleteRouteTable",
        "DeleteRoute", "DisassociateRouteTable",
        "CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection",
        "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection",
        "AttachClassicLinkVpc", "DetachClassicLinkVpc", "DisableVpcClassicLink", "EnableVpcClassicLink",
    )},
    **{name: "organizations.amazonaws.com" for name in (
        "AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit", "DeclineHandshake",
        "DeleteOrganization", "DeleteOrganizationalUnit", "DetachPolicy", "DisablePolicyType",
        "EnablePolicyType", "InviteAccountToOrganization", "LeaveOrganization", "MoveAccount",
        "RemoveAccountFromOrganization", "UpdatePolicy", "UpdateOrganizationalUnit",
    )},
}


# Event names two services share: the events of either may be the ones a pattern names.
SHARED_EVENT_SOURCES: dict[str, tuple[str, ...]] = {
    name: ("iam.amazonaws.com", "organizations.amazonaws.com") for name in ("CreatePolicy", "DeletePolicy")
}


class PatternError(ValueError):
    """The text is not a JSON filter pattern this module understands."""


@dataclass(frozen=True, order=True)
class Value:
    kind: str  # "string" (may hold * wildcards), "number", "bool", "regex"
    text: str


@dataclass(frozen=True, order=True)
class Atom:
    """One comparison: ``field op value``; ``value`` is None for IS NULL / NOT EXISTS."""

    field: str  # normalised selector: "userIdentity.type" for $.userIdentity.type and $userIdentity.type
    op: str  # = != < <= > >= "IS NULL" "NOT EXISTS"
    value: Value | None = None

    def __str__(self) -> str:
        if self.value is None:
            return f"$.{self.field} {self.op}"
        shown = f"%{self.value.text}%" if self.value.kind == "regex" else (
            f'"{self.value.text}"' if self.value.kind == "string" else self.value.text
        )
        return f"$.{self.field} {self.op} {shown}"


Conjunction = frozenset  # of Atom
Dnf = frozenset  # of Conjunction


# -- parsing -----------------------------------------------------------------------
_TOKEN = re.compile(
    r"""
    \s*(?:
      (?P<punct>&&|\|\||!=|<=|>=|[{}()=<>])
    | (?P<selector>\$\.?[A-Za-z0-9_@:\-\[\].]*)
    | "(?P<quoted>(?:[^"\\]|\\.)*)"
    | %(?P<regex>[^%]*)%
    | (?P<bare>[^\s(){}&|=!<>"%]+)
    )""",
    re.VERBOSE,
)
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def _tokens(text: str) -> list[tuple[str, str]]:
    found, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            position += len(text[position:]) - len(text[position:].lstrip())
            raise PatternError(f"unexpected character {text[position]!r} at position {position}")
        kind = match.lastgroup
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


class _Parser:
    """Recursive descent: or := and ('||' and)* ; and := primary ('&&' primary)*."""

    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self, kind: str | None = None, text: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (kind and token[0] != kind) or (text and token[1].upper() != text):
            wanted = text or kind
            raise PatternError(f"expected {wanted} but found {token[1] if token else 'the end'}")
        self.at += 1
        return token

    def pattern(self) -> Dnf:
        self.take("punct", "{")
        result = self.disjunction()
        self.take("punct", "}")
        if self.peek() is not None:
            raise PatternError(f"unexpected {self.peek()[1]} after the closing brace")
        return result

    def disjunction(self) -> Dnf:
        result = self.conjunction()
        while self.peek() == ("punct", "||"):
            self.take()
            result = result | self.conjunction()
            _check_size(result)
        return result

    def conjunction(self) -> Dnf:
        result = self.primary()
        while self.peek() == ("punct", "&&"):
            self.take()
            right = self.primary()
            result = frozenset(left | other for left, other in product(result, right))
            _check_size(result)
        return result

    def primary(self) -> Dnf:
        if self.peek() == ("punct", "("):
            self.take()
            inner = self.disjunction()
            self.take("punct", ")")
            return inner
        return frozenset({frozenset({self.comparison()})})

    def comparison(self) -> Atom:
        field = _field(self.take("selector")[1])
        token = self.peek()
        if token and token[0] == "bare" and token[1].upper() in ("IS", "NOT"):
            return self.keyword_test(field)
        op = self.take("punct")[1]
        if op not in ("=", "!=", "<", "<=", ">", ">="):
            raise PatternError(f"expected a comparison after $.{field} but found {op}")
        return Atom(field, op, self.value(op))

    def keyword_test(self, field: str) -> Atom:
        word = self.take("bare")[1].upper()
        following = self.take("bare")[1].upper()
        if word == "NOT" and following == "EXISTS":
            return Atom(field, "NOT EXISTS")
        if word == "IS" and following == "NULL":
            return Atom(field, "IS NULL")
        if word == "IS" and following in ("TRUE", "FALSE"):
            return Atom(field, "=", Value("bool", following.lower()))
        raise PatternError(f"unknown test {word} {following} on $.{field}")

    def value(self, op: str) -> Value:
        token = self.peek()
        if token is None:
            raise PatternError("a comparison has no value")
        kind, text = self.take()
        if kind == "quoted":
            return Value("string", re.sub(r"\\(.)", r"\1", text))
        if kind == "regex":
            return Value("regex", text)
        if kind == "bare":
            if _NUMBER.fullmatch(text):
                return Value("number", repr(float(text)))
            if op in ("<", "<=", ">", ">="):
                raise PatternError(f"{op} needs a number, not {text}")
            return Value("string", text)
        raise PatternError(f"expected a value but found {text}")


def _field(selector: str) -> str:
    name = selector[2:] if selector.startswith("$.") else selector[1:]
    if not name:
        raise PatternError("a selector names no field")
    return name


def _check_size(dnf: Dnf) -> None:
    if len(dnf) > MAX_CONJUNCTIONS:
        raise PatternError(f"the pattern expands to more than {MAX_CONJUNCTIONS} alternatives")


def parse(text: str) -> Dnf:
    """The pattern in disjunctive normal form; raises PatternError if it is not a JSON pattern."""
    if not isinstance(text, str) or not text.strip().startswith("{"):
        raise PatternError("it is not a JSON filter pattern ({ ... })")
    return _Parser(text).pattern()


def normalised(dnf: Dnf) -> str:
    """A canonical text of a parsed pattern: equal for every way of writing the same DNF."""
    conjunctions = sorted(" && ".join(str(a) for a in sorted(c)) for c in dnf)
    return "{ " + " || ".join(f"({c})" for c in conjunctions) + " }"


# -- implication -------------------------------------------------------------------
def _glob_regex(pattern: str) -> re.Pattern:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


_WILDCARD_STAND_IN = "\x00"  # a character no literal part of a pattern holds


def _strings_included(narrow: str, wide: str) -> bool:
    """Every string ``narrow`` (may hold * wildcards) matches, ``wide`` matches too.

    The wildcards of ``narrow`` are replaced by a character no literal of ``wide`` can
    match, so only a wildcard of ``wide`` can absorb them: then any text in their place
    is absorbed as well (sound, and exact for the prefix/suffix/contains forms).
    """
    return _glob_regex(wide).fullmatch(narrow.replace("*", _WILDCARD_STAND_IN)) is not None


def _values_included(narrow: Value, wide: Value) -> bool:
    if narrow.kind != wide.kind:
        return False
    if narrow.kind == "string":
        return _strings_included(narrow.text, wide.text)
    return narrow == wide  # numbers, booleans, regexes: only the same value


def _implies(fact: Atom, goal: Atom) -> bool:
    """Every event satisfying ``fact`` satisfies ``goal``."""
    if fact == goal:
        return True
    if fact.field != goal.field or fact.value is None or goal.value is None:
        return False
    if fact.op == "=" and goal.op == "=":
        return _values_included(fact.value, goal.value)
    if fact.op == "=" and goal.op == "!=":
        # the field holds a value that ``goal`` excludes none of: no string the fact
        # matches can match the excluded pattern (checked for literal facts only)
        return (
            fact.value.kind == goal.value.kind == "string"
            and "*" not in fact.value.text
            and not _strings_included(fact.value.text, goal.value.text)
        )
    if fact.op == "!=" and goal.op == "!=":
        # excluding more (a wider pattern) implies excluding less
        return _values_included(goal.value, fact.value)
    return False


def _with_known_sources(conjunction: Conjunction) -> set[Atom]:
    """The conjunction's comparisons, plus the event source its event name fixes."""
    facts = set(conjunction)
    for atom in conjunction:
        if atom.field == "eventName" and atom.op == "=" and atom.value and atom.value.kind == "string":
            source = EVENT_SOURCES.get(atom.value.text)
            if source and "*" not in atom.value.text:
                facts.add(Atom("eventSource", "=", Value("string", source)))
    return facts


def _conjunction_implies(facts: set[Atom], goal: Conjunction) -> bool:
    return all(any(_implies(fact, atom) for fact in facts) for atom in goal)


def uncovered(account: Dnf, benchmark: Dnf) -> list[Conjunction]:
    """The benchmark's alternatives the account's pattern is not shown to catch."""
    missing = []
    for wanted in sorted(benchmark, key=lambda c: sorted(c)):
        facts = _with_known_sources(wanted)
        if not any(_conjunction_implies(facts, offered) for offered in account):
            missing.append(wanted)
    return missing


def covers(account: Dnf, benchmark: Dnf) -> bool:
    """Every event the benchmark's pattern matches is matched by the account's."""
    return not uncovered(account, benchmark)


def _literal(conjunction: Conjunction, field: str) -> str | None:
    for atom in sorted(conjunction):
        if (atom.field == field and atom.op == "=" and atom.value is not None
                and atom.value.kind == "string" and "*" not in atom.value.text):
            return atom.value.text
    return None


def named_events(dnf: Dnf) -> set[tuple[str | None, str | None]]:
    """The (event source, event name) pairs a pattern's events can have, None where it
    leaves either open: {(None, None)} for a pattern that matches events of any source."""
    found: set[tuple[str | None, str | None]] = set()
    for conjunction in dnf:
        name = _literal(conjunction, "eventName")
        source = _literal(conjunction, "eventSource")
        if source is None and name is not None:
            sources = SHARED_EVENT_SOURCES.get(name) or (EVENT_SOURCES.get(name),)
        else:
            sources = (source,)
        found |= {(s, name) for s in sources}
    return found
