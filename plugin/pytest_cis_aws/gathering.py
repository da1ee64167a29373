"""Gathering the evidence, on the controller (or a plain run): the ``cis-gathering`` plugin.

It opens sessions, discovers the estate (or replays --aws-snapshot, or starts the demo)
and builds every selected check's units once, into the audit (audit.py); then it hands
the evidence to xdist workers, if any (handover.py).
"""
from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

import botocore.exceptions
import pytest

from .aws.reader import AwsReader
from .aws.sessions import Credentials, SessionFactory
from .collectors import denied_regions
from .collectors.base import sorted_units
from .collectors.estate import discover_estate
from .collectors.inventory import Inventory
from .control_modules import control_specs
from .custom.metadata import CustomControl
from .gating import organizations
from .progress import GatherProgress

NAME = "cis-gathering"
# Checks whose evidence is gathered at the same time, per --aws-max-workers: a check's thread
# mostly waits (for AWS, or for a collector another check started), so every check of the
# benchmark starts at once and the run's depth is its longest chain of dependent reads.
# The reader alone bounds the requests in flight (--aws-max-workers).
CHECKS_AT_ONCE_PER_WORKER = 4


class EvidenceGathering:
    def __init__(self, config: pytest.Config, audit, state, handover=None):
        self.config = config
        self.audit = audit
        self.state = state  # the summary state (findings_writer.py): the estate and the calls counted so far
        self.handover = handover  # handover.SnapshotHandOver under xdist, else None

    # A wrapper, gathering once every plugin's sessionstart has run: after pytest's terminal
    # reporter starts the session clock (so its closing "in N s" counts the evidence) and
    # prints its header, after pytest-html has started, and after xdist has started its
    # workers, which wait for the controller's snapshot (handover.ControllerSnapshot).
    @pytest.hookimpl(wrapper=True)
    def pytest_sessionstart(self, session: pytest.Session):
        yield
        self._start_evidence()

    def _start_evidence(self) -> None:
        audit = self.audit
        if audit.options.snapshot:
            audit.load(audit.options.snapshot)
            self._deal_replayed_accounts()
        else:
            if audit.options.demo:
                from .demo.run import start_demo  # moto is imported only for the demo

                audit.options = start_demo(self.config, audit.options)
            self._gather()
        self._gather_units(control_specs(self.config))
        self._skip_denied_regions(control_specs(self.config))
        self.state.estate = audit.inventory.estate
        self.state.aws_calls = audit.reader.call_stats()
        if self.handover:
            self.handover.write(audit)  # written whole, then renamed into place

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Every unit is built and parametrised. Unless something reads AWS again or writes the
        reads (a snapshot to write, owners' tags to read, a team's own controls' reads, xdist's
        workers), the answers the units were built from are dropped: at organisation scale the
        decoded snapshot is a tenth of the run's memory, kept for nothing."""
        audit = self.audit
        if audit.reader is not None and not self._reads_again():
            audit.reader.forget_answers()
            audit.inventory.forget_results()

    def _reads_again(self) -> bool:
        audit = self.audit
        return bool(self.handover or audit.options.snapshot_out or self.config.getoption("cis_owner_tag", None)
                    or any(isinstance(c, CustomControl) for c in audit.selected))

    def _deal_replayed_accounts(self) -> None:
        """--cis-shard K/N on a replay deals the snapshot's accounts as a live run deals its
        own, so a CI matrix can replay one recorded estate (tests/gating/test_matrix.py)."""
        estate = self.audit.inventory.estate
        dealt = self.audit.gate.deal_replayed(sorted(a.id for a in estate.accounts))
        if dealt is not None:
            estate.accounts = [a for a in estate.accounts if a.id in set(dealt)]

    def _gather(self) -> None:
        audit = self.audit
        opts = audit.options
        hook = self.config.hook
        sessions = SessionFactory(
            Credentials(opts.role_name, opts.external_id, opts.profile, opts.max_attempts,
                        region=opts.regions[0] if opts.regions else None),
            on_call=lambda service, op: audit.reader.count_request(service, op),
            configure_session=lambda s, account: hook.pytest_cis_configure_session(session=s, account=account),
        )
        audit.reader = AwsReader(sessions, max_concurrent=opts.max_workers)
        try:
            caller = sessions.caller_account()  # proves the base credentials work, once
            accounts = audit.gate.audited_accounts(  # --aws-accounts all, --cis-shard
                list(opts.accounts) if opts.accounts else [caller],
                lambda exclude: organizations.list_accounts(audit.reader, caller, exclude),
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
        estate = discover_estate(accounts, list(opts.regions) if opts.regions else None, sessions, audit.reader,
                                 opts.max_workers, run_accounts=audit.gate.run_accounts or accounts)
        audit.inventory = Inventory(estate, audit.reader, opts.max_workers)

    def _gather_units(self, specs) -> None:
        """Every selected check's units at once, on a bounded pool: only the evidence the
        selected version's selected controls need is read (each unit source fans out over
        accounts and regions itself; the reader bounds the requests in flight)."""
        audit = self.audit
        wanted = [spec for check, spec in specs.items() if check in audit.selected_checks]
        if not wanted:
            return

        def units_of(spec):
            try:
                return sorted_units(spec.units(audit.inventory))
            except Exception as exc:  # noqa: BLE001 - raised again where pytest collects the check
                return exc

        progress = self._progress(len(wanted))
        with ThreadPoolExecutor(max_workers=max(1, min(len(wanted), CHECKS_AT_ONCE_PER_WORKER * audit.options.max_workers))) as pool:
            pending = {pool.submit(units_of, spec): spec for spec in wanted}
            while pending:
                done, _ = wait(pending, timeout=progress.interval if progress else None, return_when=FIRST_COMPLETED)
                for future in done:
                    audit.units[pending.pop(future).check] = future.result()
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
        audit = self.audit
        denied = denied_regions.denied_regions(audit.reader.entries, audit.inventory.estate)
        if not denied:
            return
        denied_regions.skip(audit.inventory.estate, denied)
        again = [check for check, units in audit.units.items()
                 if isinstance(units, list) and denied_regions.touches(units, denied)]
        self._gather_units({check: specs[check] for check in again})

    def _progress(self, checks: int) -> GatherProgress | None:
        """What the user sees while evidence is gathered; None under -q -q or without a terminal."""
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None or self.config.get_verbosity() <= -2:
            return None
        audit = self.audit
        return GatherProgress(reporter, checks, len(audit.inventory.estate.accounts),
                              lambda: audit.reader.call_stats()["calls"], tty=bool(reporter.isatty))
