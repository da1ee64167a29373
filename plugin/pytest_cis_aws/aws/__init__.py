"""Everything that talks to AWS: sessions, the cached read-only client layer, snapshots."""
