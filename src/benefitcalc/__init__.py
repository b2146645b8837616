"""benefitcalc: Chinese social-insurance entitlements from versioned, sourced TOML rulesets.

The public Python API (imported lazily, so ``import benefitcalc`` costs nothing)::

    from benefitcalc import Engine
    engine = Engine()                                   # the shipped rulesets
    result = engine.calculate({"benefit": "unemployment", "region": "nanchang",
                               "as_of": "2024-06-01", "contribution_months": 80})
    result.amounts["monthly_benefit"]                   # Decimal('1800.00')
    result.to_json()                                    # the JSON of the contract (SPEC §3.2)

``calculate(case)`` does the same with a default engine built on first use.
``RulesetTree`` and ``resolve`` give the rules in force for a region on a date.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Result

_EXPORTS = {
    "Engine": "engine", "BenefitcalcError": "errors", "ExitStatus": "errors", "InvalidInputError": "errors",
    "InvalidRulesetError": "errors", "NoRulesetInForceError": "errors", "UnknownRegionError": "errors",
    "Resolved": "rules.resolve", "resolve": "rules.resolve", "RulesetTree": "rules.tree",
    "Result": "models", "ErrorResult": "models",
}

__all__ = [*_EXPORTS, "__version__", "calculate"]
_DEFAULT: list[Any] = []


def calculate(case: Any) -> Result:
    """One case (a dict as in ``benefitcalc schema case``) on the default rulesets."""
    if not _DEFAULT:
        from .engine import Engine

        _DEFAULT.append(Engine())
    return _DEFAULT[0].calculate(case)


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from .version import version

        return version()
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'benefitcalc' has no attribute {name!r}")
