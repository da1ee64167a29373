"""Fixes: for each failing unit, the command a careful engineer would paste (issue 20).

A fix is built from the evidence the audit already read, so a command that replaces a
whole configuration (a bucket policy, a trail's event selectors, the password policy)
carries the current one with only the failing part changed. One builder per kind of
change lives in this package (``iam``, ``s3``, ``trails``, ``network``, ``monitoring``,
``resource_policies``; ``procedures`` where no command can do it); every other control's
fix is its registry template filled with the unit's fields (``report.view.fill_fix``).
Whatever is left for the owner to choose is a ``<placeholder>``, listed with the fix.

The suite never runs a fix: it only reads. ``script.py`` writes them for a person
(``--cis-fixes``).
"""
from __future__ import annotations

from ..registry import kinds
from . import iam, monitoring, network, procedures, resource_policies, s3, trails
from .model import PLACEHOLDER, Fix, text

__all__ = ["Fix", "build", "text"]

BUILDERS = {
    "1.8": iam.password_policy,
    "1.9": iam.password_policy,
    "1.22": iam.cloudshell,
    "2.1.1": s3.https_only,
    "2.1.2": s3.mfa_delete,
    "3.3": s3.trail_bucket_private,
    "3.10": trails.object_logging,
    "3.11": trails.object_logging,
    "5.1": network.acl_denies,
    "5.2": network.admin_ports_ipv4,
    "5.3": network.admin_ports_ipv6,
    "5.4": network.default_group_closed,
    "cifs-port-restricted": network.cifs,
    "vpc-endpoints": network.s3_gateway_endpoint,
    "no-public-resource-policies": resource_policies.public_policy,
    "access-logging": procedures.access_logging,
    **{f"4.{n}": monitoring.metric_alarm for n in range(1, 16)},
    **{check: procedures.null for check in procedures.WHY},
}


def build(control, unit) -> Fix:
    """The fix for a failing unit of ``control``."""
    builder = BUILDERS.get(control.check)
    try:
        built = builder(control, unit) if builder is not None else None
        if built is not None:
            return built
        from ..report.view import fill_fix  # the registry's templates

        command = fill_fix(control.fix, unit)
    except Exception as error:  # a report must not die on one odd configuration; say so instead
        return Fix.none(f"the suite could not build this fix ({type(error).__name__}: {error}): see the remediation")
    if command:
        # The template's own <placeholders>, whatever its quoting; a value from AWS never is one.
        return Fix(command, template_placeholders(control, unit))
    return Fix.none("no command fixes this control's units: follow its remediation")


def template_placeholders(control, unit) -> tuple[str, ...]:
    template = control.fix
    if isinstance(template, tuple):
        template = dict(template).get(kinds.label_kind(str(getattr(unit, "label", ""))), "")
    return tuple(dict.fromkeys(PLACEHOLDER.findall(template or "")))
