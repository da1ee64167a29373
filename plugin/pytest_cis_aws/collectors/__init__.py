"""Collectors, one module per AWS service.

A collector is a function declared with ``base.collector``; the inventory
(``inventory.py``) calls the ones a control's unit source asks for. Nothing registers
here: importing a module only makes its collectors available to the unit sources.
"""
from . import iam  # noqa: F401
from . import accessanalyzer  # noqa: F401
from . import account_contacts  # noqa: F401
from . import instances  # noqa: F401
from . import cloudtrail  # noqa: F401
from . import network  # noqa: F401
from . import s3  # noqa: F401
from . import ebs  # noqa: F401
from . import rds  # noqa: F401
from . import efs  # noqa: F401
from . import awsconfig  # noqa: F401
from . import kms  # noqa: F401
from . import flowlogs  # noqa: F401
from . import monitoring  # noqa: F401
from . import securityhub  # noqa: F401
