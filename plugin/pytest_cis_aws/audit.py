"""The audit: one object, registered as ``cis-audit``, that drives a run.

On the controller (or a plain run) it opens sessions, discovers the estate and
gathers evidence once; xdist workers replay the controller's snapshot, so every
process parametrises from the same sorted inventory and AWS is read once.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

import botocore.exceptions
import pytest

from . import controls as control_decl
from . import items as control_items
from . import outcomes, registry
from .aws import snapshot
from .aws.reader import AwsReader
from .aws.sessions import Credentials, SessionFactory
from .control_modules import control_specs
from .custom.declare import CustomSpec
from .collectors.base import Unit, sorted_units
from .collectors.estate import Estate, discover_estate
from .collectors.inventory import Inventory
from .gating import organizations, selection
from .gating.gate import Gate, run_date
from .collectors import denied_regions
from .audit_options import AuditOptions
from .entry import AUDIT
from .naming import test_prefix
from .progress import GatherProgress
from .registry import Control, controls
from .report import findings_json
from .roles import is_controller, is_worker, uses_xdist
from .summary import SummaryState

NAME = AUDIT  # the name is the entry point's, which registers this plugin under it
WORKER_SNAPSHOT = "cis_snapshot"
# Checks whose evidence is gathered at the same time, per --aws-max-workers: a check's thread
# mostly waits (for AWS, or for a collector another check started), so every check of the
# benchmark starts at once and the run's depth is its longest chain of dependent reads.
# The reader alone bounds the requests in flight (--aws-max-workers).
CHECKS_AT_ONCE_PER_WORKER = 4
# How long an xdist worker waits for the controller's evidence (a live audit of a large
# organisation takes minutes; the controller stops its workers if it fails first).
WORKER_WAIT_S = 6 * 3600.0


class CisAudit:
    def __init__(self, config: pytest.Config, options: AuditOptions, custom_controls: tuple[Control, ...] = ()):
        self.config = config
        self.options = options
        config.stash[control_decl.OPTIONS] = options  # thresholds a control reads while it runs (controls.audit_options)
        self.benchmark = registry.benchmark(options.benchmark)
        # A team's own controls (plugin/pytest_cis_aws/custom) follow the version's, under sections of their own.
        self.selected = self._select(options, custom_controls)
        # The selected controls of the version, by the check that evaluates each.
        self.selected_checks: dict[str, Control] = {c.check: c for c in self.selected}
        self.gate = Gate(options.gating, custom_controls)
        self.inventory: Inventory | None = None
        self.reader: AwsReader | None = None
        # Each selected check's units (or the error its unit source raised), gathered once.
        self.units: dict[str, list[Unit] | Exception] = {}
        self.state = SummaryState(options.benchmark, self.selected, level=options.level)
        # With xdist, where the controller hands its evidence to the workers: a name reserved
        # now, as workers are told it before the evidence exists.
        self._worker_snapshot: Path | None = (
            Path(tempfile.mkdtemp(prefix="cis-evidence-")) / "snapshot.json" if uses_xdist(config) else None
        )

    # -- evidence -----------------------------------------------------------
    # A wrapper, gathering once every plugin's sessionstart has run: after pytest's terminal
    # reporter starts the session clock (so its closing "in N s" counts the evidence) and
    # prints its header, after pytest-html has started, and after xdist has started its
    # workers, which wait for the controller's snapshot (_await_controller_snapshot).
    @pytest.hookimpl(wrapper=True)
    def pytest_sessionstart(self, session: pytest.Session):
        yield
        self._start_evidence()

    def _start_evidence(self) -> None:
        if is_worker(self.config):
            self._load(self._await_controller_snapshot(Path(self.config.workerinput[WORKER_SNAPSHOT])))
        elif self.options.snapshot:
            self._load(self.options.snapshot)
            self._deal_replayed_accounts()
        else:
            if self.options.demo:
                from .demo.run import start_demo  # moto is imported only for the demo

                self.options = start_demo(self.config, self.options)
            self._gather()
        if is_controller(self.config):
            self._gather_units(control_specs(self.config))
            self._skip_denied_regions(control_specs(self.config))
        self.state.estate = self.inventory.estate
        self.state.aws_calls = self.reader.call_stats()
        if self._worker_snapshot:
            self._write_snapshot(self._worker_snapshot)  # written whole, then renamed into place

    @staticmethod
    def _await_controller_snapshot(path: Path) -> Path:
        """A worker starts while the controller is still gathering: wait for its snapshot."""
        deadline = time.monotonic() + WORKER_WAIT_S
        while not path.exists():
            if time.monotonic() > deadline:
                raise pytest.UsageError(f"the controller wrote no evidence snapshot ({path}) in {WORKER_WAIT_S:.0f} s")
            time.sleep(0.05)
        return path

    def _load(self, path: Path) -> None:
        try:
            data = snapshot.read(path)
        except snapshot.SnapshotError as exc:
            raise pytest.UsageError(str(exc)) from None
        self.reader = AwsReader(None, data["calls"])
        self.inventory = Inventory(Estate.from_dict(data["estate"]), self.reader, self.options.max_workers)

    def _deal_replayed_accounts(self) -> None:
        """--cis-shard K/N on a replay deals the snapshot's accounts as a live run deals its
        own, so a CI matrix can replay one recorded estate (tests/gating/test_matrix.py)."""
        shard = self.gate.options.shard
        if shard is None:
            return
        estate = self.inventory.estate
        dealt = shard.accounts(sorted(a.id for a in estate.accounts))
        self.gate.shard_accounts = dealt
        estate.accounts = [a for a in estate.accounts if a.id in set(dealt)]

    def _gather(self) -> None:
        opts = self.options
        hook = self.config.hook
        sessions = SessionFactory(
            Credentials(opts.role_name, opts.external_id, opts.profile, opts.max_attempts,
                        region=opts.regions[0] if opts.regions else None),
            on_call=lambda service, op: self.reader.count_request(service, op),
            configure_session=lambda s, account: hook.pytest_cis_configure_session(session=s, account=account),
        )
        self.reader = AwsReader(sessions, max_concurrent=opts.max_workers)
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
        estate = discover_estate(accounts, list(opts.regions) if opts.regions else None, sessions, self.reader, opts.max_workers,
                                 run_accounts=self.gate.run_accounts or accounts)
        self.inventory = Inventory(estate, self.reader, opts.max_workers)

    def _gather_units(self, specs) -> None:
        """Every selected check's units at once, on a bounded pool: only the evidence the
        selected version's selected controls need is read (each unit source fans out over
        accounts and regions itself; the reader bounds the requests in flight)."""
        wanted = [spec for check, spec in specs.items() if check in self.selected_checks]
        if not wanted:
            return

        def units_of(spec):
            try:
                return sorted_units(spec.units(self.inventory))
            except Exception as exc:  # noqa: BLE001 - raised again where pytest collects the check
                return exc

        progress = self._progress(len(wanted))
        with ThreadPoolExecutor(max_workers=max(1, min(len(wanted), CHECKS_AT_ONCE_PER_WORKER * self.options.max_workers))) as pool:
            pending = {pool.submit(units_of, spec): spec for spec in wanted}
            while pending:
                done, _ = wait(pending, timeout=progress.interval if progress else None, return_when=FIRST_COMPLETED)
                for future in done:
                    self.units[pending.pop(future).check] = future.result()
                    if progress:
                        progress.check_done()
                if progress:
                    progress.tick()
        if progress:
            progress.finish()

    def _skip_denied_regions(self, specs) -> None:
        """Regions where an SCP refused every call become skipped regions of their accounts
        (collectors/denied_regions.py); checks whose units carried those refusals are built
        again over the regions left, from the reads already made."""
        denied = denied_regions.denied_regions(self.reader.entries, self.inventory.estate)
        if not denied:
            return
        denied_regions.skip(self.inventory.estate, denied)
        again = [check for check, units in self.units.items()
                 if isinstance(units, list) and denied_regions.touches(units, denied)]
        self._gather_units({check: specs[check] for check in again})

    def _progress(self, checks: int) -> GatherProgress | None:
        """What the user sees while evidence is gathered; None under -q -q or without a terminal."""
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None or self.config.get_verbosity() <= -2:
            return None
        return GatherProgress(reporter, checks, len(self.inventory.estate.accounts),
                              lambda: self.reader.call_stats()["calls"], tty=bool(reporter.isatty))

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
        if not isinstance(spec, CustomSpec):  # a team's own: checked with its metadata (plugin/pytest_cis_aws/custom)
            check_declaration(spec, metafunc.function.__name__)
        units = self._units(spec) if spec.check in self.selected_checks else []
        metafunc.parametrize(spec.argname, units, ids=[u.test_id for u in units])

    def _units(self, spec) -> list[Unit]:
        if spec.check not in self.units:  # a worker, or a file the controller did not see
            self.units[spec.check] = sorted_units(spec.units(self.inventory))
        found = self.units[spec.check]
        if isinstance(found, Exception):
            raise found
        return found

    @pytest.hookimpl(wrapper=True)
    def pytest_pycollect_makeitem(self, collector, name, obj):
        made = yield
        spec = control_decl.spec_of_function(obj) if isinstance(made, list) else None
        if spec is None:
            return made
        # Named by the selected version's control id; none at all where the version (or
        # the selection) lacks the check.
        control = self.selected_checks.get(spec.check)
        return control_items.as_control_items(made, control, spec) if control is not None else []

    @staticmethod
    def _select(options: AuditOptions, custom_controls: tuple[Control, ...] = ()) -> list:
        """--cis-level and --cis-controls, applied before parametrisation."""
        every = (*controls(options.benchmark), *custom_controls)
        try:
            selection.check_patterns(options.gating.controls, [c.id for c in every], options.benchmark)
        except selection.SelectionError as exc:
            raise pytest.UsageError(str(exc)) from None
        return selection.select(every, options.level, options.gating.controls)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, session, config, items: list[pytest.Item]) -> None:
        for item in items:
            if isinstance(item, control_items.ControlItem):
                # -m follows the selected version's sections and levels.
                item.add_marker(item.control.marker)
                item.add_marker(f"level{item.control.level}")

    # -- running ------------------------------------------------------------
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if not isinstance(item, control_items.ControlItem):
            return
        spec = control_decl.spec_of(item)
        error = outcomes.unit_error(spec, item.unit)
        if error is not None:
            raise error
        # A manual control's body runs: it records its facts, and the item reports MANUAL.

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        if isinstance(item, control_items.ControlItem):
            decided = outcomes.classify(report, call)
            if decided == (outcomes.PASS, ""):
                decided = (outcomes.PASS, item.pass_message)  # what satisfied it, if the test said
            if decided is not None:
                found = outcomes.properties(item.control, item.unit, *decided, evidence=item.evidence)
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
        if finding and finding["status"] == outcomes.NOT_APPLICABLE:
            return "skipped", "N", "NOT APPLICABLE"
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
    def read_owners(self) -> None:
        """--cis-owner-tag: each finding's owner, from tags read once, at the end of the run on the
        controller. Every writer asks first (cis-report writes before this plugin's sessionfinish)."""
        owner_tag = self.config.getoption("cis_owner_tag", None)
        if not owner_tag or self.state.owners is not None or not is_controller(self.config) or self.inventory is None:
            return
        from . import owners  # tags are read only when asked

        owners.assign(self.state, self.inventory, owner_tag)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus) -> None:
        if self._worker_snapshot:  # the controller's hand-over to xdist workers, gathered or not
            shutil.rmtree(self._worker_snapshot.parent, ignore_errors=True)
        if not is_controller(self.config) or self.inventory is None:
            return
        self.read_owners()  # before the calls are counted and the snapshot written
        self.state.aws_calls = self.reader.call_stats()  # calls made while the controls ran count too
        self.gate.conclude(self.state, run_date(self.inventory.estate.started))
        findings_json.write(self.state, self.options.json_path)
        if self.options.snapshot_out:
            self._write_snapshot(self.options.snapshot_out)


def check_declaration(spec, function_name: str) -> None:
    """A control test names a check the catalogue has, and is named after it."""
    if spec.check not in registry.checks():
        raise pytest.UsageError(f"{function_name} declares check {spec.check!r}, which plugin/pytest_cis_aws/registry/checks lacks")
    expected = spec.expected_name()
    if expected is not None and function_name != expected:
        raise pytest.UsageError(f"{function_name} checks {spec.check}: name it {expected}")
    prefix = test_prefix(spec.check)
    if expected is None and not function_name.startswith(prefix):
        raise pytest.UsageError(f"{function_name} checks {spec.check}: name it {prefix}...")
