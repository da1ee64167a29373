"""Collectors, one module per AWS service, registered into COLLECTORS on import."""
from .base import COLLECTORS  # noqa: F401
from . import iam  # noqa: F401
