"""The ``aws`` fixture (registered as ``cis-custom-fixtures`` while an audit runs).

    @custom_control("ORG.2", units=regions)
    def test_org_2_instances_only_in_approved_regions(region, aws):
        reservations = aws.client("ec2").describe_instances()["Reservations"]

It yields a :class:`~pytest_cis_aws.custom.reads.ReadOnlyAws` bound to the account and region of
the unit the control test is evaluating: read-only, cached, counted, recorded in
snapshots, and asked of the controller under xdist.
"""
from __future__ import annotations

import pytest

from ..items import ControlItem
from .reads import ReadOnlyAws

VIEW = pytest.StashKey[ReadOnlyAws]()
PLUGIN = "cis-custom"


@pytest.fixture
def aws(request: pytest.FixtureRequest) -> ReadOnlyAws:
    """Read-only, cached AWS access for the unit this control test evaluates."""
    item = request.node
    if not isinstance(item, ControlItem):
        raise RuntimeError("the aws fixture serves control tests (@custom_control), which evaluate one unit each")
    custom = request.config.pluginmanager.get_plugin(PLUGIN)
    estate = custom.audit.inventory.estate
    regions = next((a.regions for a in estate.accounts if a.id == item.unit.account), [])
    view = ReadOnlyAws(custom.ask(), item.unit.account, item.unit.region, regions)
    item.stash[VIEW] = view
    return view
