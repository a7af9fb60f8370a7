"""Deterministic random streams.

Every part of the generator draws from its own child generator, derived
from the user's seed and a stream name (CRC-32 of the name, never Python's
salted ``hash``). Adding draws to one stream therefore never changes what
another stream produces, and the balance of day ``d`` does not depend on
how many days are generated.
"""

from __future__ import annotations

import zlib

import numpy as np


def child_rng(seed: int, stream: str, *extra: int) -> np.random.Generator:
    """A generator for ``stream`` (and optional sub-keys such as a day number)."""
    if seed < 0:
        raise ValueError("seed must be >= 0")
    return np.random.default_rng([seed, zlib.crc32(stream.encode("utf-8")), *extra])
