"""Gating deployments on the audit: waivers, a baseline, selection, Organizations, sharding, exit status.

Each concern sits in its own module; ``gate.Gate`` applies waivers and the baseline to
each failing report (on whichever process runs the test), and ``run_verdict.RunVerdict``
does the controller-side work (deselection, exit status).
"""
