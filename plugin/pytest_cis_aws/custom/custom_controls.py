"""Hooks for a team's own controls, registered as ``cis-custom`` next to ``cis-audit``.

* :func:`discover` (at configure): the custom controls of the files the run collects,
  validated; bad metadata is a usage error naming the file;
* markers: ``custom`` on every one of them, and each section's own (``-m org``);
* the ``aws`` fixture's reads (``fixtures.py``): the run's reader on the controller, and on
  an xdist worker the snapshot, then the controller (``remote.py``);
* an AWS error or a refused write that reached the test makes the unit an ERROR, even if
  the test caught it and passed (or failed) anyway.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from .. import control_modules
from ..controls import spec_of
from ..aws.errors import AwsCallError
from ..aws.reader import NOT_IN_SNAPSHOT
from ..entry import AUDIT
from ..items import ControlItem
from . import fixtures
from .declare import CustomSpec
from .metadata import Catalogue, CustomControl, MetadataError, catalogue
from .reads import Ask
from .remote import WORKER_INPUT, ReadServer, RemoteReads

NAME = "cis-custom"
FIXTURES = "cis-custom-fixtures"
MARKER = "custom"


def discover(config: pytest.Config, version: str) -> Catalogue:
    """The run's own controls for benchmark ``version``; pytest.UsageError on bad metadata."""
    try:
        return catalogue(control_modules.declared(config), version)
    except MetadataError as exc:
        raise pytest.UsageError(str(exc)) from None


def refuse_without_the_audit(items: list[pytest.Item]) -> None:
    """Your own controls collected without the CIS ones (the audit dormant): say how to run them."""
    for item in items:
        spec = spec_of(item)
        if isinstance(spec, CustomSpec):
            path = item.nodeid.split("::")[0]
            raise pytest.UsageError(
                f"{path} declares your own control {spec.check}: run it with the CIS controls, "
                f"pytest cis_checks {Path(path).parent} (add --cis-controls '{spec.check.split('.')[0]}.*' for yours alone)"
            )


def register(config: pytest.Config, found: Catalogue, on_worker: bool) -> None:
    config.addinivalue_line("markers", f"{MARKER}: your own controls (pytest_cis_aws.api.custom_control)")
    for marker, title in found.markers.items():
        config.addinivalue_line("markers", f"{marker}: your own controls: {title}")
    # On an xdist worker, what the controller's snapshot lacks is read by the controller.
    remote = RemoteReads(config.workerinput[WORKER_INPUT]) if on_worker and WORKER_INPUT in config.workerinput else None
    config.pluginmanager.register(CustomControls(config, found, remote), NAME)
    config.pluginmanager.register(fixtures, FIXTURES)


class CustomControls:
    def __init__(self, config: pytest.Config, found: Catalogue, remote: RemoteReads | None = None):
        self.config = config
        self.catalogue = found
        self._server: ReadServer | None = None
        self._remote = remote

    @property
    def audit(self):
        return self.config.pluginmanager.get_plugin(AUDIT)

    def ask(self) -> Ask:
        """How the ``aws`` fixture reads: the run's cached reader, then (on a worker, for what
        the controller's snapshot lacks) the controller's."""
        reader, remote = self.audit.reader, self._remote

        def ask(account, region, service, operation, params):
            try:
                return reader.call(account, region, service, operation, params)
            except AwsCallError as error:
                if remote is None or error.code != NOT_IN_SNAPSHOT:
                    raise
            return remote(account, region, service, operation, params)

        return ask

    # -- xdist: the controller answers its workers' reads ----------------------------
    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node) -> None:
        if not self.catalogue.controls:
            return
        if self._server is None:
            self._server = ReadServer(self._answer)
            self.config.add_cleanup(self._server.close)
        node.workerinput[WORKER_INPUT] = self._server.handle

    def _answer(self, account, region, service, operation, params):
        reader = self.audit.reader
        if reader is None:  # workers ask only once they have the controller's snapshot
            raise RuntimeError("the controller has not gathered its evidence yet")
        return reader.call(account, region, service, operation, params)

    # -- items ---------------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            if isinstance(item, ControlItem) and isinstance(item.control, CustomControl):
                item.add_marker(MARKER)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        try:
            result = yield
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as raised:
            first = _read_errors(item)[:1]
            if first and not any(raised is error for error in _read_errors(item)):
                # A read failed and the test went on to its verdict: the read is the outcome.
                raise first[0] from None
            raise
        first = _read_errors(item)[:1]
        if first:
            raise first[0]  # caught by the test, which passed anyway: still an ERROR
        return result


def _read_errors(item: pytest.Item) -> list[Exception]:
    """The AWS errors and refused writes the ``aws`` fixture raised in this test."""
    view = item.stash.get(fixtures.VIEW, None)
    return view.errors if view is not None else []
