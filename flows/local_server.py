"""A Prefect API server on this machine, for ``storywatch serve`` without one configured.

Prefect's scheduler does not run on the temporary server a plain flow call
starts, so a schedule needs a real one. When ``PREFECT_API_URL`` is unset, this
starts ``prefect server start`` on 127.0.0.1, waits until it answers, points
this process at it and stops it on the way out.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

# A first start creates and migrates the server's SQLite database: slow on a cold disk.
STARTUP_TIMEOUT_S = 120.0


class LocalServerError(RuntimeError):
    """The local Prefect server did not come up."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_prefect_server() -> Iterator[str]:
    """Yield the API URL in use: the configured one, or a server started here."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        yield configured
        return
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise LocalServerError(f"prefect server exited with status {proc.returncode} while starting")
            try:
                if httpx.get(f"{api}/health", timeout=2.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise LocalServerError(f"prefect server did not answer on {api} within {STARTUP_TIMEOUT_S:.0f}s")
            time.sleep(0.5)
        os.environ["PREFECT_API_URL"] = api
        yield api
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
