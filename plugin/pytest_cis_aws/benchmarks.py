"""The benchmark versions we support, by name only.

Written out here, outside the registry package, so that adding the options (the pytest11
entry point, on every pytest run) can name them without importing the registry or reading
its YAML. tests/compat/test_light_load.py checks they are the versions registry/versions/
describes.

The sections' markers live here for the same reason, and because they mean the same in every
version (``-m iam`` selects the IAM section whatever its number): a version's YAML names a
section by its title, and the registry takes the marker from this table.
"""
DEFAULT_BENCHMARK = "2.0.0"
VERSIONS = ("2.0.0", "3.0.0", "4.0.1", "5.0.0", "6.0.0", "7.0.0")

# Section title -> the pytest marker that selects its controls, in every version.
SECTION_MARKERS = {
    "Identity and Access Management": "iam",
    "Storage": "storage",
    "Logging": "logging",
    "Monitoring": "monitoring",
    "Networking": "networking",
}
