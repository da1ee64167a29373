"""A team's own controls, written as pytest tests beside the CIS ones.

The public surface is :mod:`pytest_cis_aws.api` (documented in the README, "Your own controls");
this package is how it fits the machinery the CIS controls use:

* ``declare.py``: ``@custom_control`` marks a test function with a :class:`CustomSpec`, a
  ``ControlSpec`` that also carries the metadata given in code;
* ``metadata.py``: the metadata (in code, or in a ``controls.yaml`` beside the tests) is
  validated and turned into :class:`CustomControl` objects, appended to the selected
  benchmark version's controls, whatever the version, under sections of their own;
* ``units.py``: unit sources that need no collector (accounts, account x region, resources
  listed by one AWS call), evaluated on the controller while evidence is gathered;
* ``reads.py``: the ``aws`` fixture's read-only, cached view of one account and region;
* ``remote.py``: under xdist, a worker's reads are made by the controller's reader, so each
  distinct call is still made once, counted, and recorded in the snapshot;
* ``custom_controls.py``: the hooks (discovery at configure, markers, the fixture, the guard that
  turns a swallowed AWS error into an ERROR).
"""
