"""pytest plugin for the CIS AWS Foundations Benchmark (the package ``pytest_cis_aws``).

Data flows one way: options -> accounts and sessions -> discovery (evidence) ->
control tests -> outcomes -> summary -> reports. The modules, in that order:

    entry.py            the pytest11 entry point: options and hookspecs; the audit's plugins
                        are imported and registered only when our controls are collected
    locate.py           where our controls are, and whether this run collects them
    benchmarks.py       the supported benchmark versions, by name (light: for --help)
    audit_options.py    command-line flags, validated into AuditOptions
    roles.py            which process this is: a plain run, the xdist controller, a worker
                        (asked once, by entry.py, which registers each process's plugins)
    aws/                sessions (assumed roles, refreshing credentials), the read-only cached
                        reader (one request per distinct call), pacing, snapshots, partitions
    collectors/         typed records built from AWS reads (the evidence), and unit sources
    control_modules.py  the controller's scan of the control files, before collection
    audit.py            ``cis-audit``: what every process shares (options, selection, gate, evidence)
    gathering.py        ``cis-gathering`` (controller): sessions, discovery, every selected check's units
    handover.py         the controller's evidence handed to xdist workers (a snapshot file)
    control_selection.py  ``cis-selection``: select controls, parametrise, name and mark items
    controls.py         the @control decorator, and what a control may ask while it runs
    items.py            ControlItem: a control and one unit, named by the version's id
    runner.py           the ``cis-runner`` plugin: pytest's run protocol, minus unused phases
    gc_tuning.py        ``cis-gc``: the cycle collector tuned for the run, and why (measured)
    pytest_internals.py every use of pytest's private API, checked by a test
    rules/              pure rules the controls share (policies, filter patterns, networks)
    registry/           the check catalogue and each benchmark version, as YAML data
    outcomes.py         PASS/FAIL/ERROR/MANUAL/NOT_APPLICABLE on each test report
    outcome_decisions.py  ``cis-outcomes``: each control test's outcome, where it runs
    findings_writer.py  ``cis-findings`` (controller): the summary state, owners, the findings file
    gating/             waivers, baseline, selection, Organizations, sharding, exit status
                        (gating_options.py its flags, run_verdict.py the ``cis-gating`` plugin)
    summary.py          totals and per-control, per-account, per-owner counts, from findings
    identity.py         what one unit is across runs (baselines, cis-diff, ASFF/OCSF/OSCAL ids)
    owners.py           --cis-owner-tag: each finding's owner from tags
    fixes/              the fix for each failing unit, built from its evidence
    report/             renderers (terminal, findings JSON, CSV, Markdown, OCSF, ASFF, OSCAL,
                        history, fix script, HTML), outputs.py, the one table of outputs, and
                        report_writers.py, the ``cis-report`` plugin that writes them
    merge.py            ``cis-merge``: shards' findings files into one answer
    merging/            how cis-merge streams: shards read a finding at a time, counted in one
                        pass (StreamedSummary), merged in order for each writer, steps forked
    compare.py, diff.py ``cis-diff``: two findings files compared unit by unit
    custom/, api.py     a team's own controls (the public API; custom_controls.py, its plugin)
    demo/               --aws-demo: a moto server on 127.0.0.1, seeded, with moto's gaps filled
"""
