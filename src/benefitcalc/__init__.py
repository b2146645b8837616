"""benefitcalc: Chinese social-insurance entitlements from versioned, sourced TOML rulesets.

The public Python API (imported lazily, so ``import benefitcalc`` costs nothing)::

    from datetime import date
    from benefitcalc import RulesetTree, resolve
    tree = RulesetTree()                       # the shipped rulesets
    rules = resolve(tree, "nanchang", date(2024, 6, 1))
    rules.get("minimum_wage").block.monthly["一类"].value   # Decimal('1850')
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "BenefitcalcError": "errors", "ExitStatus": "errors", "InvalidInputError": "errors",
    "InvalidRulesetError": "errors", "NoRulesetInForceError": "errors",
    "UnknownRegionError": "errors", "Resolved": "rules.resolve", "resolve": "rules.resolve",
    "RulesetTree": "rules.tree",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        try:  # written by the build from pyproject.toml
            from ._version import __version__ as built

            return built
        except ImportError:  # a source checkout: ask the installed metadata
            from importlib.metadata import PackageNotFoundError, version

            try:
                return version("benefitcalc")
            except PackageNotFoundError:  # never installed
                return "0+unknown"
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'benefitcalc' has no attribute {name!r}")
