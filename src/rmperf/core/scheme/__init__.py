"""Appraisal schemes (考核方案) as data: load, resolve for a period, plan, evaluate.

Pure: no database, no engine, no web framework. The stages::

    scheme = load_file("rural-2023.yaml")            # raw → checked; SchemeError lists every problem
    resolved = resolve(scheme, start, end, "quarter")  # the values in force on the period's last day
    plan = build_plan(resolved)                      # engine inputs, parameters, variants
    result = evaluate(plan, rms, values, previous=…, targets=…, ratings=…)

The file format is documented in ``docs/scheme-format.md``.
"""

from rmperf.core.scheme.errors import Problem, SchemeError
from rmperf.core.scheme.evaluate import (
    Adjustment,
    DimensionResult,
    Evaluation,
    ItemResult,
    Note,
    RmResult,
    TargetTrace,
    ValueTrace,
    evaluate,
)
from rmperf.core.scheme.load import Scheme, load_file, load_scheme
from rmperf.core.scheme.plan import Plan, RmContext, build_plan
from rmperf.core.scheme.resolve import ResolvedScheme, resolve
from rmperf.core.scheme.tables import parse_targets, parse_values

__all__ = [
    "Adjustment",
    "DimensionResult",
    "Evaluation",
    "ItemResult",
    "Note",
    "Plan",
    "Problem",
    "ResolvedScheme",
    "RmContext",
    "RmResult",
    "Scheme",
    "SchemeError",
    "TargetTrace",
    "ValueTrace",
    "build_plan",
    "evaluate",
    "load_file",
    "load_scheme",
    "parse_targets",
    "parse_values",
    "resolve",
]
