"""What a fix is, as every output carries it.

A fix either runs as shown (``command``, no ``placeholders``), or needs the owner's choice
first (``placeholders`` lists the ``<...>`` names to replace), or no command can do it
(``command`` None, ``why`` says what to do instead).
"""
from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass

# Commands of one fix are joined with this, in the order they must run.
SEPARATOR = "; "
# An owner's choice in a command: <kms-key-arn>, <log-bucket>.
PLACEHOLDER = re.compile(r"<[a-z0-9][a-z0-9 ._-]*>")


@dataclass(frozen=True, slots=True)
class Fix:
    command: str | None
    placeholders: tuple[str, ...] = ()
    why: str = ""

    @classmethod
    def run(cls, *commands: str) -> "Fix":
        """A fix from commands; the placeholders are whatever ``<...>`` they still hold."""
        command = SEPARATOR.join(c for c in commands if c)
        return cls(command, placeholders_in(command))

    @classmethod
    def none(cls, why: str) -> "Fix":
        return cls(None, (), why)

    @property
    def runs_as_shown(self) -> bool:
        return bool(self.command) and not self.placeholders

    def to_dict(self) -> dict:
        if self.command is None:
            return {"command": None, "why": self.why}
        return {"command": self.command, "placeholders": list(self.placeholders)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)


def placeholders_in(command: str) -> tuple[str, ...]:
    """The placeholders of a command, once each, in order. Text inside shell quotes is a value
    from AWS (a policy, a name), never a placeholder, so only unquoted words are looked at."""
    # Single-quoted spans are AWS values quoted by shlex.quote: dropped before looking.
    return tuple(dict.fromkeys(PLACEHOLDER.findall(re.sub(r"'[^']*'", "''", command))))


# Where split_commands must look outside quotes: a quote opening, or a command ending. A fix's
# policy is kilobytes of JSON; stepping through it a character at a time in Python was most
# of the fix script's time at organisation scale (48,400 fixes a shard of 100 accounts).
_STOPS = re.compile(r"""['"]|; | && """)


def split_commands(command: str) -> list[str]:
    """A fix's commands, split where the shell would run the next one: at "; " or " && "
    outside quotes (a policy's text may hold either)."""
    found, start, position = [], 0, 0
    while (stop := _STOPS.search(command, position)) is not None:
        token = stop.group()
        if token in "'\"":
            # Quoted: nothing counts until the same quote closes it (or the command ends).
            closing = command.find(token, stop.end())
            if closing < 0:
                break
            position = closing + 1
        else:
            found.append(command[start:stop.start()])
            start = position = stop.end()
    found.append(command[start:])
    return [c.strip() for c in found if c.strip()]


def text(fix: Fix | None) -> str:
    """One line for people: the command, the placeholders to fill, or why there is none."""
    if fix is None:
        return ""
    if fix.command is None:
        return "No command: " + fix.why
    names = fix.placeholders
    return fix.command + (f"  (replace {', '.join(names)} first)" if names else "")


def quote(value) -> str:
    """Anything from AWS, as one inert shell word."""
    return shlex.quote(str(value))


def quote_json(document) -> str:
    """A JSON document as one shell word (compact, keys in AWS's order)."""
    return shlex.quote(json.dumps(document, separators=(",", ":")))


def partition_of(unit) -> str:
    """aws, aws-us-gov or aws-cn: from the unit's ARN, else from its region."""
    resource = str(getattr(unit, "resource", ""))
    if resource.startswith("arn:"):
        return resource.split(":")[1]
    region = str(getattr(unit, "region", ""))
    return "aws-us-gov" if region.startswith("us-gov-") else "aws-cn" if region.startswith("cn-") else "aws"
