"""The engine's settings of one computation, read once from a scheme's ``parameters``.

A run computes its indicators with its scheme's parameters (``basis: 360``,
provision rates, a hurdle rate …); an explanation of that run must open the
same figures, so both take one :class:`EngineParams` built by
:meth:`EngineParams.of` from the same mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rmperf.engine.flows import FlowParams
from rmperf.engine.quality import QualityParams


@dataclass(frozen=True)
class EngineParams:
    """Day-count basis, rounding, and the flow and quality indicators' settings."""

    basis: int = 365
    rounding: str = "half_up"
    flows: FlowParams = field(default_factory=FlowParams)
    quality: QualityParams = field(default_factory=QualityParams)

    @classmethod
    def of(cls, parameters: Mapping[str, Any]) -> EngineParams:
        """The settings a plan's engine ``parameters`` give (the seeds' defaults for the rest)."""
        basis = int(parameters.get("basis", 365))
        rounding = str(parameters.get("rounding", "half_up"))
        flow: dict[str, Any] = {"rounding": rounding}
        if "provision_rates" in parameters:
            flow["provision_rates"] = tuple((g, Decimal(r)) for g, r in dict(parameters["provision_rates"]).items())
        if "vip_floors" in parameters:
            flow["vip_floors"] = tuple(Decimal(f) for f in parameters["vip_floors"])
        if "card_quality_weight" in parameters:
            flow["card_quality_weight"] = Decimal(parameters["card_quality_weight"])
        if "active_txn_threshold" in parameters:
            flow["active_txn_threshold"] = int(parameters["active_txn_threshold"])
        quality: dict[str, Any] = {"basis": basis, "rounding": rounding}
        for key in ("pricing_tolerance", "default_expected_loss_rate", "default_capital_factor", "hurdle_rate"):
            if key in parameters:
                quality[key] = Decimal(parameters[key])
        if "tax_rate" in parameters:
            quality["tax_rate"] = Decimal(parameters["tax_rate"])
        for key in ("expected_loss_rates", "capital_factors"):
            if key in parameters:
                quality[key] = {k: Decimal(v) for k, v in dict(parameters[key]).items()}
        return cls(basis, rounding, FlowParams(**flow), QualityParams(**quality))

    @classmethod
    def default(cls, basis: int = 365, rounding: str = "half_up") -> EngineParams:
        """The seeds' defaults with a day-count ``basis`` (``rmperf indicators --basis``)."""
        return cls.of({"basis": basis, "rounding": rounding})
