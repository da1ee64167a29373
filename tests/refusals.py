"""Refuse: AWS answering an error to chosen operations of one account, in-process.

A pytest plugin object handed to ``audit(..., plugins=[...])``. Its
``pytest_cis_configure_session`` hook registers a botocore ``before-call`` handler on
every session the audit opens for that account, so the refusal goes through the real
client, reader and outcomes, exactly where AWS's own answer would.
"""
from __future__ import annotations

from typing import Callable

from botocore.exceptions import ClientError

from pytest_cis_aws.aws.errors import iam_action


class Refuse:
    def __init__(
        self,
        account: str,
        *operations: tuple[str, str],
        code: str = "AccessDenied",
        message: str | None = None,
        only_if: Callable[[dict], bool] | None = None,
        region: str | None = None,
    ):
        """``operations`` are (botocore service, Operation) pairs; ``message`` defaults to
        AWS's "not authorized to perform <action>"; ``only_if`` narrows the refusal to
        calls whose parameters it accepts (one bucket, say), ``region`` to one region."""
        self.account, self.operations, self.code = account, set(operations), code
        self.message, self.only_if, self.region = message, only_if, region

    def pytest_cis_configure_session(self, session, account):
        if account != self.account:
            return
        for service, operation in self.operations:
            session.events.register(f"before-parameter-build.{service}.{operation}", _keep_params)
            session.events.register_last(f"before-call.{service}.{operation}", self._refuse(service))

    def _refuse(self, service: str):
        def refuse(model, context, **_):
            if self.only_if is not None and not self.only_if(context.get(PARAMS, {})):
                return None
            if self.region is not None and context.get("client_region") != self.region:
                return None
            message = self.message or f"not authorized to perform {iam_action(service, model.name)}"
            error = {"Code": self.code, "Message": message}
            raise ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 403}}, model.name)

        return refuse


PARAMS = "cis_refusal_params"


def _keep_params(params, context, **_):
    """The call's own parameters, kept for ``only_if`` (botocore gives before-call only the
    serialised request; S3 alone also keeps them in the context)."""
    context[PARAMS] = dict(params)
