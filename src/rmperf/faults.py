"""Fault points for crash tests (D169): ``RMPERF_FAULT=<name>`` kills the process at that point.

A point is a call ``fault("import.placed")`` at a place where a crash must leave nothing behind that
the next run cannot clean up. The process kills itself with SIGKILL, as ``kill -9`` or a power cut
would: no ``finally`` block, no ``atexit``, no rollback in Python runs. Without the variable a point
costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal


def fault(name: str) -> None:
    if os.environ.get("RMPERF_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
