"""Rules over CloudTrail event selectors, basic and advanced (3.1, 3.10, 3.11).

Basic selectors: ``ReadWriteType`` (All, ReadOnly, WriteOnly), ``IncludeManagementEvents``
and ``DataResources``. Advanced selectors: lists of field selectors (``eventCategory``,
``readOnly``, ``resources.type``, ``resources.ARN``) with Equals/StartsWith/... operators.
A trail with neither records nothing we can vouch for.
"""
from __future__ import annotations

from typing import Iterable

READ, WRITE = "read", "write"
BASIC_TYPES = {READ: ("All", "ReadOnly"), WRITE: ("All", "WriteOnly")}
ALL_S3_OBJECTS = ("arn:aws:s3", "arn:aws:s3:::")


def _fields(selector: dict) -> dict[str, dict]:
    """Field selectors of one advanced selector, by field name."""
    return {f.get("Field"): f for f in selector.get("FieldSelectors", []) or []}


def _advanced_kinds(fields: dict[str, dict]) -> set[str]:
    """Which of read/write an advanced selector keeps, from its ``readOnly`` field."""
    read_only = fields.get("readOnly")
    if read_only is None:
        return {READ, WRITE}
    values = {str(v).lower() for v in read_only.get("Equals", []) or []}
    kinds = set()
    if "true" in values:
        kinds.add(READ)
    if "false" in values:
        kinds.add(WRITE)
    not_values = {str(v).lower() for v in read_only.get("NotEquals", []) or []}
    if not values and not_values:
        kinds = {READ, WRITE} - ({READ} if "true" in not_values else set()) - ({WRITE} if "false" in not_values else set())
    return kinds


def _equals(field: dict | None, value: str) -> bool:
    return field is not None and value in (field.get("Equals") or [])


# -- management events (3.1) -------------------------------------------------------
def management_kinds(event_selectors: Iterable[dict], advanced_selectors: Iterable[dict]) -> set[str]:
    """Which management event kinds (read, write) the selectors record."""
    kinds: set[str] = set()
    for selector in event_selectors or []:
        if selector.get("IncludeManagementEvents", True):
            kind = selector.get("ReadWriteType", "All")
            kinds.update(k for k, accepted in BASIC_TYPES.items() if kind in accepted)
    for selector in advanced_selectors or []:
        fields = _fields(selector)
        if _equals(fields.get("eventCategory"), "Management"):
            kinds |= _advanced_kinds(fields)
    return kinds


# -- S3 data events (3.10, 3.11) ---------------------------------------------------
def _basic_covers(values: Iterable[str], bucket: str) -> bool:
    own = (f"arn:aws:s3:::{bucket}/", f"arn:aws:s3:::{bucket}")
    return any(v in ALL_S3_OBJECTS or v in own for v in values or [])


def _arn_covers(field: dict | None, bucket: str) -> bool:
    """A ``resources.ARN`` field selector keeps every object of the bucket."""
    if field is None:
        return True
    objects = f"arn:aws:s3:::{bucket}/"
    keeps = True
    if field.get("Equals") or field.get("StartsWith"):
        starts = list(field.get("StartsWith") or [])
        keeps = any(objects.startswith(prefix) for prefix in starts)
    for excluded in field.get("NotStartsWith") or []:
        if objects.startswith(excluded) or excluded.startswith(objects):
            keeps = False  # all or part of the bucket is left out
    return keeps


def records_s3_data(event_selectors: Iterable[dict], advanced_selectors: Iterable[dict], bucket: str, kind: str) -> bool:
    """True if the selectors record S3 object events of ``kind`` (read/write) for the whole bucket."""
    for selector in event_selectors or []:
        if selector.get("ReadWriteType", "All") not in BASIC_TYPES[kind]:
            continue
        for resource in selector.get("DataResources", []) or []:
            if resource.get("Type") == "AWS::S3::Object" and _basic_covers(resource.get("Values"), bucket):
                return True
    for selector in advanced_selectors or []:
        fields = _fields(selector)
        if (
            _equals(fields.get("eventCategory"), "Data")
            and _equals(fields.get("resources.type"), "AWS::S3::Object")
            and kind in _advanced_kinds(fields)
            and _arn_covers(fields.get("resources.ARN"), bucket)
        ):
            return True
    return False
