"""Prefect's environment defaults for storywatch's command line.

Set before Prefect is first imported, and only where the user has not set them:
the command line should start quietly and never phone home.
"""

from __future__ import annotations

import os

DEFAULTS = {
    # No usage telemetry from a news monitor, and its start-up heartbeat can race the
    # temporary server's first database write and print a spurious ERROR.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # Per-task INFO lines drown the run summary; -v brings them back.
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def configure_prefect(verbose: bool = False) -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    if verbose:
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"
