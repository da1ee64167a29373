"""EFS file systems, per region (2.4.1)."""
from __future__ import annotations

from dataclasses import dataclass

from .base import Unit, collector


@dataclass(frozen=True, kw_only=True)
class FileSystem(Unit):
    id: str
    name: str
    encrypted: bool


@collector(regional=True)
def file_systems(aws, region) -> list[FileSystem]:
    found = []
    for raw in aws.call("efs", "DescribeFileSystems", region=region).get("FileSystems", []):
        fs_id = raw["FileSystemId"]
        found.append(
            FileSystem(
                account=aws.account,
                region=region,
                resource=raw.get("FileSystemArn") or fs_id,
                label=f"efs/{fs_id}",
                id=fs_id,
                name=raw.get("Name") or fs_id,
                encrypted=bool(raw.get("Encrypted")),
            )
        )
    return found


def all_file_systems(inv):
    return inv.per_region(file_systems, lambda account, region, found: found, what="file-systems")
