"""benefitcalc: Chinese social-insurance entitlements from versioned, sourced TOML rulesets.

The public Python API::

    from benefitcalc import RulesetTree, resolve
    tree = RulesetTree()                       # the shipped rulesets
    rules = resolve(tree, "nanchang", date(2024, 6, 1))
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .errors import (
    BenefitcalcError,
    ExitStatus,
    InvalidInputError,
    InvalidRulesetError,
    NoRulesetInForceError,
    UnknownRegionError,
)
from .rules.resolve import Resolved, resolve
from .rules.tree import RulesetTree

try:
    __version__ = version("benefitcalc")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "BenefitcalcError", "ExitStatus", "InvalidInputError", "InvalidRulesetError",
    "NoRulesetInForceError", "UnknownRegionError", "Resolved", "RulesetTree", "resolve",
    "__version__",
]
