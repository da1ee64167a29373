"""``--cis-benchmark`` as people write it (issue 19, defect 4): "2.0" and "3.0" as well as "4.0"."""
from __future__ import annotations

import pytest

from pytest_cis_aws import registry


@pytest.mark.parametrize("text, version", [
    ("2.0", "2.0.0"), ("3.0", "3.0.0"), ("4.0", "4.0.1"), ("5.0", "5.0.0"), ("6.0", "6.0.0"), ("7.0", "7.0.0"),
    ("v2.0", "2.0.0"), ("4.0.0", "4.0.1"),
])
def test_major_version_names_its_benchmark(text, version):
    assert registry.resolve(text) == version


@pytest.mark.parametrize("text", ["2", "2.1", "8.0", "2.0.1"])
def test_other_names_stay_unknown(text):
    with pytest.raises(registry.RegistryError):
        registry.resolve(text)

