"""Rounding money as a ruleset says (SPEC §2.7)."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal

MODES = {"half_up": ROUND_HALF_UP, "up": ROUND_UP, "down": ROUND_DOWN, "half_even": ROUND_HALF_EVEN}
CENT = Decimal("0.01")


def round_to(value: Decimal, unit: Decimal, mode: str) -> Decimal:
    """Round to a multiple of ``unit`` (0.01, 0.1, 1, 5 …) in the named mode."""
    steps = (value / unit).quantize(Decimal(1), rounding=MODES[mode])
    return steps * unit


def money(value: Decimal) -> str:
    """Fixed-point text with two decimals: "1417.50"."""
    return format(value.quantize(CENT, rounding=ROUND_HALF_UP), "f")
