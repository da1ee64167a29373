"""Collectors, one module per AWS service, registered into COLLECTORS on import.

Each section's owner adds its modules here (one import line each).
"""
from .base import COLLECTORS  # noqa: F401
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
