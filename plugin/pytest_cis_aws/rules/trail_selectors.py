"""What a trail records: its event selectors against the events a control needs (3.1, 3.10, 3.11, 4.x).

A control needs a class of events recorded in full: every read (or write) management
event, maybe only those of one event source and name (4.7: kms.amazonaws.com
DisableKey), or every object-level read (or write) data event of one S3 bucket. The
trail records the class when one of its selectors keeps every event of it.

Basic selectors: ``ReadWriteType`` (All, ReadOnly, WriteOnly), ``IncludeManagementEvents``,
``ExcludeManagementEventSources`` and ``DataResources``. Advanced selectors: field
selectors ANDed together, each field's operators ANDed, the values of ``Equals``,
``StartsWith`` and ``EndsWith`` ORed, the values of ``NotEquals``, ``NotStartsWith`` and
``NotEndsWith`` all excluded. Every field CloudTrail accepts narrows what is recorded
(``eventName``, ``eventSource``, ``eventType``, ``readOnly``, ``resources.ARN``,
``userIdentity.arn``, ``errorCode``...): a condition on a field the class leaves open
keeps only part of it. Selectors are ORed; read and write are judged apart, so a
read-only selector and a write-only one together record all management events. Two
selectors that each keep part of a class along another field are not combined (a
conservative verdict: it can fail a trail, never pass one that misses events).

``missing(...)`` answers None when the class is recorded, else a sentence naming the
selectors and the field (and condition) that narrowed each one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Union

READ, WRITE = "read", "write"
BASIC_TYPES = {READ: ("All", "ReadOnly"), WRITE: ("All", "WriteOnly")}
READ_ONLY_VALUE = {READ: "true", WRITE: "false"}
S3_OBJECT = "AWS::S3::Object"
POSITIVE = ("Equals", "StartsWith", "EndsWith")
NEGATIVE = ("NotEquals", "NotStartsWith", "NotEndsWith")


@dataclass(frozen=True)
class Prefix:
    """Every value starting with ``text`` (the objects of one bucket, by ARN)."""

    text: str


# What a class allows in one field: exact values, a prefix, or (field absent) anything.
Constraint = Union[frozenset, Prefix]


@dataclass(frozen=True)
class Events:
    """A class of CloudTrail events a control needs recorded in full."""

    what: str  # "read management events", "object-level write events of S3 bucket logs"
    category: str  # "Management" or "Data"
    kind: str  # READ or WRITE
    fields: tuple[tuple[str, Constraint], ...]  # constraints on advanced-selector fields
    bucket_objects: str | None = None  # data events: the ARN prefix of the bucket's objects
    partition: str = "aws"

    def constraint(self, field: str) -> Constraint | None:
        return dict(self.fields).get(field)


def management_events(kind: str, source: str | None = None, names: Iterable[str] = ()) -> Events:
    """Every ``kind`` management event (of one event source, and those event names, when given)."""
    fields = [("eventCategory", frozenset({"Management"})), ("readOnly", frozenset({READ_ONLY_VALUE[kind]}))]
    what = f"{kind} management events"
    if source:
        fields.append(("eventSource", frozenset({source})))
        what += f" from {source}"
    if names:
        fields.append(("eventName", frozenset(names)))
        what += f" named {', '.join(sorted(names))}" if not source else ""
    return Events(what, "Management", kind, tuple(fields))


def s3_object_events(bucket: str, kind: str, partition: str = "aws") -> Events:
    """Every object-level ``kind`` data event of S3 bucket ``bucket``."""
    objects = f"arn:{partition}:s3:::{bucket}/"
    fields = (
        ("eventCategory", frozenset({"Data"})),
        ("resources.type", frozenset({S3_OBJECT})),
        ("readOnly", frozenset({READ_ONLY_VALUE[kind]})),
        ("eventSource", frozenset({"s3.amazonaws.com"})),
        ("resources.ARN", Prefix(objects)),
    )
    return Events(f"object-level {kind} events of S3 bucket {bucket}", "Data", kind, fields, objects, partition)


# -- one condition against one constraint ----------------------------------------------
def _keeps_all(operator: str, values: list[str], allowed: Constraint | None) -> bool:
    """Whether ``operator`` over ``values`` keeps every value the constraint allows."""
    if not values:
        return True
    if operator in NEGATIVE:
        if allowed is None:
            return False  # it leaves something out of an open field
        if isinstance(allowed, Prefix):
            if operator == "NotEquals":
                return not any(v.startswith(allowed.text) for v in values)
            if operator == "NotStartsWith":
                return not any(v.startswith(allowed.text) or allowed.text.startswith(v) for v in values)
            return False  # NotEndsWith: some object key ends that way
        test = {"NotEquals": lambda a, v: a == v, "NotStartsWith": str.startswith, "NotEndsWith": str.endswith}[operator]
        return not any(test(a, v) for a in allowed for v in values)
    if allowed is None:
        return False  # a positive condition on an open field keeps only part of it
    if isinstance(allowed, Prefix):
        return operator == "StartsWith" and any(allowed.text.startswith(v) for v in values)
    test = {"Equals": lambda a, v: a == v, "StartsWith": str.startswith, "EndsWith": str.endswith}[operator]
    return all(any(test(a, v) for v in values) for a in allowed)


def _values(field: str, raw) -> list[str]:
    values = [str(v) for v in (raw or [])]
    return [v.lower() for v in values] if field == "readOnly" else values


# -- advanced selectors ------------------------------------------------------------------
def _advanced_label(selector: dict, position: int) -> str:
    name = selector.get("Name")
    return f"advanced selector {name!r}" if name else f"advanced selector #{position}"


def _advanced_gap(selector: dict, events: Events) -> tuple[bool, list[str]]:
    """(relevant, narrowing conditions) of one advanced selector for ``events``.

    Relevant: it records events of the class's category (and, for data, resource type) at all.
    """
    narrowing = []
    relevant = True
    for field_selector in selector.get("FieldSelectors", []) or []:
        field = field_selector.get("Field", "")
        allowed = events.constraint(field)
        for operator in POSITIVE + NEGATIVE:
            values = _values(field, field_selector.get(operator))
            if _keeps_all(operator, values, allowed):
                continue
            if field in ("eventCategory", "resources.type") and operator in POSITIVE:
                relevant = False  # another category or resource type: not a narrowing, another kind
            narrowing.append(f"{field} ({operator} {', '.join(values)})")
    return relevant, narrowing


# -- basic selectors ---------------------------------------------------------------------
def _basic_label(position: int) -> str:
    return f"event selector #{position}"


def _basic_covers_objects(values: Iterable[str], events: Events) -> bool:
    partition, objects = events.partition, events.bucket_objects or ""
    everything = (f"arn:{partition}:s3", f"arn:{partition}:s3:::")
    return any(v in everything or v == objects or v == objects[:-1] for v in values or [])


def _basic_gap(selector: dict, events: Events) -> tuple[bool, list[str]]:
    narrowing = []
    read_write = selector.get("ReadWriteType", "All")
    if read_write not in BASIC_TYPES[events.kind]:
        narrowing.append(f"ReadWriteType ({read_write})")
    if events.category == "Management":
        if not selector.get("IncludeManagementEvents", True):
            return False, []
        excluded = [str(s) for s in selector.get("ExcludeManagementEventSources", []) or []]
        if excluded and not _keeps_all("NotEquals", excluded, events.constraint("eventSource")):
            narrowing.append(f"ExcludeManagementEventSources ({', '.join(excluded)})")
        return True, narrowing
    objects = [r for r in selector.get("DataResources", []) or [] if r.get("Type") == S3_OBJECT]
    if not objects:
        return False, []
    values = [str(v) for r in objects for v in r.get("Values", []) or []]
    if not _basic_covers_objects(values, events):
        narrowing.append(f"DataResources ({', '.join(values)})")
    return True, narrowing


# -- the verdict -------------------------------------------------------------------------
def missing(event_selectors: Iterable[dict], advanced_selectors: Iterable[dict], events: Events) -> str | None:
    """None when one selector records every event of ``events``; else why none does."""
    gaps = []
    for position, selector in enumerate(event_selectors or [], start=1):
        relevant, narrowing = _basic_gap(selector, events)
        if relevant and not narrowing:
            return None
        if relevant:
            gaps.append(f"{_basic_label(position)} narrows {' and '.join(narrowing)}")
    for position, selector in enumerate(advanced_selectors or [], start=1):
        relevant, narrowing = _advanced_gap(selector, events)
        if relevant and not narrowing:
            return None
        if relevant:
            gaps.append(f"{_advanced_label(selector, position)} narrows {' and '.join(narrowing)}")
    if not gaps:
        return f"records no {events.what}"
    return f"does not record all {events.what}: " + "; ".join(gaps)


def first_missing(event_selectors, advanced_selectors, needed: Iterable[Events]) -> str | None:
    """The first class of ``needed`` the selectors do not record in full (why), else None."""
    for events in needed:
        gap = missing(event_selectors, advanced_selectors, events)
        if gap is not None:
            return gap
    return None


ALL_MANAGEMENT = (management_events(READ), management_events(WRITE))
