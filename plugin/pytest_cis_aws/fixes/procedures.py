"""Fixes no command can carry out, in our words: what to do instead and why."""
from __future__ import annotations

from .model import Fix

ROOT_ONLY = "only the root user can do this, signed in to the console with its password"

WHY = {
    "1.4": f"delete the root user's access keys (Security credentials page): {ROOT_ONLY}, and the AWS CLI has no "
           "command for the root user's keys",
    "1.5": f"register an MFA device for the root user (Security credentials page): {ROOT_ONLY} and the device in hand",
    "1.6": f"replace the root user's virtual MFA device with a hardware one: {ROOT_ONLY} and the device in hand",
    "1.7": "nothing to configure: stop using the root user for daily work, and find out who used it and why "
           "(CloudTrail events with userIdentity.type Root)",
    "1.10": "the user registers an MFA device of their own: enable-mfa-device needs two consecutive codes from it, "
            "which only the person holding the device can give",
    "1.15": "move the user's permissions to a group (create or choose one, attach the same policies, add the user), "
            "then detach the policies from the user: which group is right is the owner's choice, and detaching "
            "first would take access away",
    "1.16": "decide who really needs full administrative rights; detach the policy from the others and narrow it: "
            "removing it from everyone may lock the account's administrators out",
    "2.3.1": "RDS cannot encrypt an existing instance's storage in place: take a snapshot (create-db-snapshot), copy "
             "it encrypted with a KMS key (copy-db-snapshot --kms-key-id), restore a new instance from the copy "
             "(restore-db-instance-from-db-snapshot), switch the applications over, then delete the old instance",
    "2.4.1": "EFS cannot encrypt an existing file system: create a new one with encryption on (create-file-system "
             "--encrypted), copy the data across (AWS DataSync, for instance), move the mount targets and clients "
             "over, then delete the old file system",
}


def null(control, unit) -> Fix:
    return Fix.none(WHY[control.check])


def access_logging(control, front) -> Fix | None:
    """A CloudFront distribution: update-distribution takes the whole configuration with the
    ETag of the moment it was read, so it is a read, an edit and a write, done by a person.
    Other front ends: None, and their registry template applies."""
    if str(front.label).split("/", 1)[0] != "distribution":
        return None
    return Fix.none("turn on standard logging in the distribution's settings (console), or read its configuration "
                    "and ETag with get-distribution-config, set Logging.Enabled and Logging.Bucket, and write it "
                    "back with update-distribution --if-match <ETag>: the write must carry the configuration and "
                    "ETag of that moment")
