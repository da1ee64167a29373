"""pytest plugin for the CIS AWS Foundations Benchmark.

Data flows one way: options -> accounts and sessions -> discovery (evidence) ->
control tests -> outcomes -> summary and reports. Each step is a module here:

    options.py      command-line flags, validated into AuditOptions
    aws/            sessions, the read-only cached client layer, snapshots
    evidence/       collectors: typed records built from AWS reads
    controls.py     the @control decorator and parametrisation of controls
    outcomes.py     PASS/FAIL/ERROR/MANUAL attached to each test report
    summary.py      totals and per-control counts, from reports
    report/         renderers: terminal, JSON, CSV, Markdown, HTML
    entry.py        thin wiring of the above into pytest hooks
"""
