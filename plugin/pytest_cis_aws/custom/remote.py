"""Under xdist, the reads a control test makes while it runs are made by the controller.

The CIS controls read everything before collection, on the controller, and the workers
replay its snapshot. A team's own control may also read while its test runs (the ``aws``
fixture): on a worker, a read the snapshot lacks is asked of the controller, whose one
cached reader makes it. So each distinct call is still made once per run, counted once,
and kept in the table ``--aws-snapshot-out`` writes, exactly as in a serial run; a
replayed run (``--aws-snapshot``) answers from the snapshot on the controller too.

The channel is a ``multiprocessing.connection`` listener on 127.0.0.1 with a random
key (HMAC authentication), one thread per worker. Messages are JSON in the snapshot's
own encoding (``aws/snapshot.py``): no pickle, and answers are the very values a replay
reads back.
"""
from __future__ import annotations

import secrets
import threading
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection, Listener
from typing import Any, Callable

from ..aws import snapshot
from ..aws.errors import AwsCallError

ADDRESS = ("127.0.0.1", 0)
WORKER_INPUT = "cis_custom_reads"  # workerinput key: {"host", "port", "key"}
# (account, region, service, operation, params) -> the answer; raises AwsCallError.
Answer = Callable[[str, str, str, str, dict], Any]


class ReadServer:
    """On the controller: answers workers' reads with ``answer`` (the run's reader)."""

    def __init__(self, answer: Answer):
        self._answer = answer
        self._key = secrets.token_bytes(32)
        self._listener = Listener(ADDRESS, family="AF_INET", authkey=self._key)
        self._closing = False
        threading.Thread(target=self._accept, name="cis-custom-reads", daemon=True).start()

    @property
    def handle(self) -> dict:
        host, port = self._listener.address
        return {"host": host, "port": port, "key": self._key.hex()}

    def _accept(self) -> None:
        while not self._closing:
            try:
                connection = self._listener.accept()
            except (OSError, EOFError, AuthenticationError):  # closed, or a peer that failed authentication
                continue
            if self._closing:
                connection.close()
                return
            threading.Thread(target=self._serve, args=(connection,), name="cis-custom-reads-worker",
                             daemon=True).start()

    def _serve(self, connection: Connection) -> None:
        with connection:
            while True:
                try:
                    request = snapshot.loads(connection.recv_bytes().decode())
                except (EOFError, OSError):
                    return
                connection.send_bytes(snapshot.dumps(self._entry(*request)).encode())

    def _entry(self, account: str, region: str, service: str, operation: str, params: dict) -> dict:
        try:
            return {"response": self._answer(account, region, service, operation, params)}
        except AwsCallError as error:
            return {"error": error.to_dict()}
        except Exception as exc:  # noqa: BLE001 - a worker must get an answer, never hang
            return {"error": AwsCallError(account, region, service, operation, type(exc).__name__, str(exc)).to_dict()}

    def close(self) -> None:
        if self._closing:
            return
        self._closing = True
        try:  # wake the accepting thread: closing a listening socket does not, on Linux
            Client(self._listener.address, family="AF_INET", authkey=self._key).close()
        except OSError:
            pass
        self._listener.close()


class RemoteReads:
    """On a worker: asks the controller's reader, one question at a time."""

    def __init__(self, handle: dict):
        self._address = (handle["host"], int(handle["port"]))
        self._key = bytes.fromhex(handle["key"])
        self._connection: Connection | None = None
        self._lock = threading.Lock()
        self._answers: dict[str, dict] = {}

    def __call__(self, account: str, region: str, service: str, operation: str, params: dict) -> Any:
        key = snapshot.call_key(account, region, service, operation, params)
        with self._lock:
            entry = self._answers.get(key)
            if entry is None:
                entry = self._answers[key] = self._ask([account, region, service, operation, params])
        if "error" in entry:
            raise AwsCallError.from_dict(entry["error"])
        return entry["response"]

    def _ask(self, request: list) -> dict:
        try:
            if self._connection is None:
                self._connection = Client(self._address, family="AF_INET", authkey=self._key)
            self._connection.send_bytes(snapshot.dumps(request).encode())
            return snapshot.loads(self._connection.recv_bytes().decode())
        except (OSError, EOFError) as exc:
            self._connection = None
            account, region, service, operation, _ = request
            return {"error": AwsCallError(account, region, service, operation, "ControllerUnreachable",
                                          f"the xdist controller did not answer this read: {exc}").to_dict()}
