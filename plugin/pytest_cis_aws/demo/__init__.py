"""The embedded demo estate: a moto server on 127.0.0.1, seeded with several accounts.

``pytest --aws-demo`` starts it, seeds it, audits it and stops it. moto's gaps
(root-user flags, MFA Delete, Access Analyzer, ...) are filled here, in the demo's
seeding layer, never in the audit path.
"""
