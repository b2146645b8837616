"""The result and error types of the JSON contract (SPEC §3.2, §3.3).

Calculations build results as plain JSON-ready data (fast, and what is printed); these
models describe that data: ``benefitcalc schema result`` prints their JSON Schema and the
tests validate real results against them. Kept apart from ``models`` so that a single
calculation does not pay for defining them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class TextOut(_Out):
    zh: str
    en: str


class NoticeOut(_Out):
    code: str
    message: TextOut


class BlockRef(_Out):
    region: str
    section: str
    since: str | None = None
    year: int | None = None


class StepOut(_Out):
    id: str
    label: TextOut
    formula: str
    value: str | int
    param: str | None
    block: BlockRef | None
    level: str | None
    sources: list[str]
    confidence: Literal["confirmed", "derived", "unconfirmed"] | None = None


class ExtraOut(_Out):
    id: str
    label: TextOut
    amount: str | None
    condition: TextOut
    sources: list[str]


class RulesetRef(_Out):
    region: str
    level: str
    version: str
    file_sha256: str


class UnemploymentAmounts(_Out):
    monthly_benefit: str
    duration_months: int
    total_benefit: str


class Result(_Out):
    id: str | int | None
    benefit: Literal["unemployment"]
    region: str
    district: str | None
    as_of: str
    contract: Literal[1]
    benefitcalc_version: str
    rulesets: list[RulesetRef]
    resolved_sha256: str
    eligible: bool
    reasons: list[NoticeOut]
    warnings: list[NoticeOut]
    amounts: UnemploymentAmounts
    extras: list[ExtraOut]
    steps: list[StepOut]
    sources: dict[str, dict[str, str]]


class ErrorBody(_Out):
    code: Literal["invalid_input", "unknown_region", "no_ruleset_in_force", "invalid_ruleset"]
    message: str
    details: dict[str, Any]


class ErrorOut(_Out):
    id: str | int | None
    line: int | None = None
    error: ErrorBody
