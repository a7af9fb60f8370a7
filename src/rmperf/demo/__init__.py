"""The demo bank (演示银行): a deterministic generator of complete data packages.

``generate("small", seed=1, out=Path("var/demo-package"))`` writes every
table of the data contract, with the patterns the appraisal rules need
(re-assignments, shared customers, year-end deposit spikes, seasonal
agricultural loans, loans turning non-performing…). See docs/demo-bank.md.
"""

from __future__ import annotations

from rmperf.demo.config import SIZES, SizeConfig
from rmperf.demo.generate import GenerationSummary, Progress, generate
from rmperf.demo.plants import PlantedPatterns, Reassignment, planted_patterns

__all__ = [
    "SIZES",
    "GenerationSummary",
    "PlantedPatterns",
    "Progress",
    "Reassignment",
    "SizeConfig",
    "generate",
    "planted_patterns",
]
