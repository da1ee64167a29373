"""Age thresholds, each compared the way the benchmark words it (no AWS calls).

Ages are exact time differences from the run's clock (``Estate.started``), never whole
days floored first: a credential last used 45 days and 3 hours ago is 45 days or more
unused, and a key rotated 90 days and 3 hours ago is older than 90 days.

| control | wording | fails when |
|---|---|---|
| 1.7 root use | used "within the last N days" (N = --cis-root-use-days) | age <= N days |
| 1.12 unused credentials | "unused for 45 days or greater"; kept only if used "less than 45 days ago" | age >= 45 days |
| 1.14 key rotation | "rotated every 90 days or less" (active keys, age <= 90 days) | age > 90 days |
| 1.19 certificates | "expired" | expiry <= now |
"""
from __future__ import annotations

import datetime as dt

UNUSED_DAYS = 45  # 1.12
KEY_ROTATION_DAYS = 90  # 1.14

_DAY = dt.timedelta(days=1)


def age(since: dt.datetime, now: dt.datetime) -> dt.timedelta:
    return now - since


def used_within(last_used: dt.datetime, now: dt.datetime, days: int) -> bool:
    """1.7: a use at most ``days`` days before ``now`` is within the window."""
    return age(last_used, now) <= days * _DAY


def unused_too_long(since: dt.datetime, now: dt.datetime, days: int = UNUSED_DAYS) -> bool:
    """1.12: unused for ``days`` days or more (a use less than ``days`` days ago keeps it)."""
    return age(since, now) >= days * _DAY


def rotated_too_long_ago(rotated: dt.datetime, now: dt.datetime, days: int = KEY_ROTATION_DAYS) -> bool:
    """1.14: older than ``days`` days (exactly ``days`` days is still rotated in time)."""
    return age(rotated, now) > days * _DAY


def expired(expiration: dt.datetime, now: dt.datetime) -> bool:
    """1.19: a certificate is expired from its expiry instant on."""
    return expiration <= now


def in_words(delta: dt.timedelta) -> str:
    """``91 days``, ``45 days and 3 hours`` (hours shown when there is a whole one)."""
    days, hours = delta.days, delta.seconds // 3600
    text = f"{days} day" + ("" if days == 1 else "s")
    if hours:
        text += f" and {hours} hour" + ("" if hours == 1 else "s")
    return text
