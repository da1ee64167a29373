"""The audit: one object, registered as ``cis-audit``, that drives a run.

On the controller (or a plain run) it opens sessions, discovers the estate and
gathers evidence once; xdist workers replay the controller's snapshot, so every
process parametrises from the same sorted inventory and AWS is read once.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import botocore.exceptions
import pytest

from . import controls as control_decl
from . import outcomes
from .aws import snapshot
from .aws.reader import AwsReader
from .aws.sessions import Credentials, SessionFactory
from .evidence import COLLECTORS
from .evidence.base import sorted_units
from .evidence.estate import Estate, discover_estate
from .evidence.inventory import Inventory
from .gating import organizations, selection
from .gating.gate import Gate, run_date
from . import run_options
from .options import AuditOptions
from .registry import SECTION_MARKERS, by_id, controls
from .report import findings_json, terminal
from .roles import is_controller, is_worker, uses_xdist
from .summary import SummaryState

NAME = "cis-audit"
WORKER_SNAPSHOT = "cis_snapshot"


class CisAudit:
    def __init__(self, config: pytest.Config, options: AuditOptions):
        self.config = config
        self.options = options
        run_options.set_current(options)  # thresholds read by controls (1.7)
        self.registry = by_id(options.benchmark)
        self.selected = self._select(options)
        self.gate = Gate(options.gating)
        self.inventory: Inventory | None = None
        self.reader: AwsReader | None = None
        self.state = SummaryState(options.benchmark, self.selected, level=options.level)
        self._worker_snapshot: Path | None = None

    # -- evidence -----------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if is_worker(self.config):
            self._load(Path(self.config.workerinput[WORKER_SNAPSHOT]))
        elif self.options.snapshot:
            self._load(self.options.snapshot)
        else:
            self._gather()
        self.state.estate = self.inventory.estate
        self.state.aws_calls = self.reader.call_stats()
        if uses_xdist(self.config):
            handle, name = tempfile.mkstemp(prefix="cis-evidence-", suffix=".json")
            os.close(handle)
            self._worker_snapshot = Path(name)
            self._write_snapshot(self._worker_snapshot)

    def _load(self, path: Path) -> None:
        try:
            data = snapshot.read(path)
        except snapshot.SnapshotError as exc:
            raise pytest.UsageError(str(exc)) from None
        self.reader = AwsReader(None, data["calls"])
        self.inventory = Inventory(Estate.from_dict(data["estate"]), self.reader)

    def _gather(self) -> None:
        opts = self.options
        hook = self.config.hook
        sessions = SessionFactory(
            Credentials(opts.role_name, opts.external_id, opts.profile, opts.max_attempts),
            on_call=lambda service, op: self.reader.count_request(service, op),
            configure_session=lambda s, account: hook.pytest_cis_configure_session(session=s, account=account),
        )
        self.reader = AwsReader(sessions)
        try:
            caller = sessions.caller_account()  # proves the base credentials work, once
            accounts = self.gate.audited_accounts(  # --aws-accounts all, --cis-shard
                list(opts.accounts) if opts.accounts else [caller],
                lambda exclude: organizations.list_accounts(self.reader, caller, exclude),
            )
        except botocore.exceptions.NoCredentialsError:
            raise pytest.UsageError(
                "no AWS credentials found: configure them (aws configure, AWS_PROFILE or --aws-profile), "
                "or try the embedded demo with --aws-demo"
            ) from None
        except organizations.OrganizationsError as exc:
            raise pytest.UsageError(str(exc)) from None
        except botocore.exceptions.ProfileNotFound as exc:
            raise pytest.UsageError(f"--aws-profile: {exc}") from None
        except botocore.exceptions.ConfigParseError as exc:
            raise pytest.UsageError(f"the AWS config file cannot be read: {exc}") from None
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
            raise pytest.UsageError(f"the AWS credentials could not be used (sts:GetCallerIdentity): {exc}") from None
        estate = discover_estate(accounts, list(opts.regions) if opts.regions else None, sessions, self.reader, opts.max_workers)
        self.inventory = Inventory(estate, self.reader, opts.max_workers)
        if uses_xdist(self.config) or not opts.gating.controls:
            # The whole benchmark (or xdist workers that replay): gather every collector
            # up front, all at once. With --cis-controls, collectors run when a selected
            # control first needs them, so only their evidence is read.
            self.inventory.gather(COLLECTORS.values(), opts.max_workers, self._progress())

    def _progress(self):
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None or self.config.option.verbose < 0:
            return None

        def report(account: str, done: int, total: int) -> None:
            if done == total:
                reporter.write_line(f"cis: evidence gathered for account {account} ({total} collector runs)")

        return report

    def _write_snapshot(self, path: Path) -> None:
        snapshot.write(
            path,
            {"estate": self.inventory.estate.to_dict(), "calls": self.reader.entries, "stats": self.reader.call_stats()},
        )

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node) -> None:
        node.workerinput[WORKER_SNAPSHOT] = str(self._worker_snapshot)

    # -- collection ---------------------------------------------------------
    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        spec = control_decl.spec_of(metafunc.definition)
        if spec is None:
            return
        if spec.id not in self.registry:
            raise pytest.UsageError(f"{metafunc.function.__name__} checks control {spec.id}, which {self.options.benchmark} lacks")
        expected = self.registry[spec.id].function_prefix
        if not metafunc.function.__name__.startswith(expected):
            raise pytest.UsageError(f"{metafunc.function.__name__} checks {spec.id}: name it {expected}...")
        units = sorted_units(spec.units(self.inventory)) if self._selected(spec.id) else []
        metafunc.parametrize(spec.argname, units, ids=[u.test_id for u in units])

    @staticmethod
    def _select(options: AuditOptions) -> list:
        """--cis-level and --cis-controls, applied before parametrisation."""
        every = controls(options.benchmark)
        try:
            selection.check_patterns(options.gating.controls, [c.id for c in every], options.benchmark)
        except selection.SelectionError as exc:
            raise pytest.UsageError(str(exc)) from None
        return selection.select(every, options.level, options.gating.controls)

    def _selected(self, control_id: str) -> bool:
        return any(c.id == control_id for c in self.selected)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, session, config, items: list[pytest.Item]) -> None:
        keep, drop = [], []
        for item in items:
            spec = control_decl.spec_of(item)
            if spec is None:
                keep.append(item)
                continue
            if control_decl.unit_of(item) is None:  # an empty unit set: nothing to evaluate
                drop.append(item)
                continue
            control = self.registry[spec.id]
            item.add_marker(SECTION_MARKERS[control.section])
            item.add_marker(f"level{control.level}")
            keep.append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep

    # -- running ------------------------------------------------------------
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        spec = control_decl.spec_of(item)
        unit = control_decl.unit_of(item)
        if spec is None or unit is None:
            return
        error = outcomes.unit_error(spec, unit)
        if error is not None:
            raise error
        if spec.manual:
            control_decl.manual(self.registry[spec.id].manual_check or "verify this control by hand")

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        spec = control_decl.spec_of(item)
        unit = control_decl.unit_of(item)
        if spec is not None and unit is not None:
            decided = outcomes.classify(report, call)
            if decided is not None:
                found = outcomes.properties(self.registry[spec.id], unit, *decided)
                # A waived or known failure becomes a non-strict xfail here, where the test ran.
                report.user_properties.extend(self.gate.apply(report, found, run_date(self.inventory.estate.started)))
        return report

    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(self, report, config):
        finding = outcomes.finding_of(report)
        if finding and finding["status"] == outcomes.ERROR and report.when == "call":
            # An AWS error while the check ran: an error, not a failed control.
            return "error", "E", "ERROR"
        if finding and finding["status"] == outcomes.MANUAL:
            return "skipped", "M", "MANUAL"
        if finding and finding["status"] in (outcomes.WAIVED, outcomes.KNOWN):
            return "xfailed", "x", finding["status"]
        return None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not is_controller(self.config):
            return
        finding = outcomes.finding_of(report)
        if finding is None:
            return
        self.state.add(finding)

    # -- reports ------------------------------------------------------------
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus) -> None:
        if not is_controller(self.config) or self.inventory is None:
            return
        self.gate.conclude(self.state, run_date(self.inventory.estate.started))
        findings_json.write(self.state, self.options.json_path)
        if self.options.snapshot_out:
            self._write_snapshot(self.options.snapshot_out)
        if self._worker_snapshot:
            self._worker_snapshot.unlink(missing_ok=True)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.inventory is None:
            return
        terminalreporter.section("CIS compliance summary")
        for line in terminal.lines(self.state, terminalreporter._tw.fullwidth):
            terminalreporter.write_line(line)
        stats = self.state.aws_calls
        terminalreporter.write_line(
            f"AWS calls: {stats['calls']} ({stats['distinct']} distinct, {stats['requests']} requests); "
            f"findings: {self.options.json_path}"
        )
