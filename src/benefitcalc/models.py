"""Case and result types (SPEC §3): what a caller sends and what a calculation returns.

A case is validated here, whichever way it arrived (CLI options, a JSON file, a batch
line): unknown keys, wrong types, out-of-range or non-finite numbers and impossible dates
all become ``InvalidInputError`` naming the field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from .errors import InvalidInputError

CONTRACT = 1
MAX_MONEY = Decimal(10_000_000)
_DECIMAL_TEXT = re.compile(r"^-?\d{1,12}(\.\d{1,6})?$")


def _money(value: Any) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ValueError("must be a number")
    if isinstance(value, str):
        if not _DECIMAL_TEXT.match(value.strip()):
            raise ValueError(f"{value[:40]!r} is not a decimal number")
        value = Decimal(value.strip())
    elif isinstance(value, int):
        if abs(value) > MAX_MONEY:
            raise ValueError(f"must be at most {MAX_MONEY}")
        value = Decimal(value)
    elif isinstance(value, float):
        value = Decimal(repr(value))
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError("must be a finite number")
    if value < 0 or value > MAX_MONEY:
        raise ValueError(f"must be between 0 and {MAX_MONEY}")
    return value


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
        raise ValueError("must be a date as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} is not a real date") from None


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise ValueError("must be a whole number")
    if isinstance(value, str):
        if not re.match(r"^\s*\d{1,6}\s*$", value):
            raise ValueError(f"{value[:40]!r} is not a whole number")
        return int(value)
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise ValueError("must be a whole number")
        return int(value)
    return value


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError("must be true or false")


Money = Annotated[Decimal, BeforeValidator(_money)]
Date = Annotated[dt.date, BeforeValidator(_date)]
Months = Annotated[int, BeforeValidator(_int), Field(ge=0, le=1200)]
Flag = Annotated[bool, BeforeValidator(_bool)]


class CaseBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: Annotated[str | int | None, Field(union_mode="left_to_right")] = None
    region: str = Field(min_length=1, max_length=64)
    district: str | None = Field(default=None, min_length=1, max_length=32)
    as_of: Date


class UnemploymentCase(CaseBase):
    """失业保险金: ``as_of`` is the date of unemployment registration."""

    benefit: Literal["unemployment"]
    #: months of unemployment-insurance contributions counted under 社会保险法 第46条
    contribution_months: Months
    involuntary: Flag = True
    carried_over_months: Annotated[int, BeforeValidator(_int), Field(ge=0, le=24)] = 0
    average_monthly_wage: Money | None = None
    #: used only to say that the pension start is not derived from it (see README)
    birth_date: Date | None = None
    #: the day a basic pension starts, if known: benefit stops then (社会保险法 第51条)
    pension_start_date: Date | None = None


Case = Annotated[UnemploymentCase, Field(discriminator="benefit")]
BENEFITS = ("unemployment",)


CASE_MODELS: dict[str, type[CaseBase]] = {"unemployment": UnemploymentCase}


def parse_case(data: Any) -> UnemploymentCase:
    """Validate a decoded JSON object as a case; errors name the field."""
    if not isinstance(data, dict):
        kind = "null" if data is None else type(data).__name__
        raise InvalidInputError(f"a case must be a JSON object, not {kind}")
    benefit = data.get("benefit")
    model = CASE_MODELS.get(benefit) if isinstance(benefit, str) else None
    if model is None:
        raise InvalidInputError(f"benefit: must be one of {', '.join(BENEFITS)} (got {str(benefit)[:40]!r})",
                                field="benefit")
    try:
        return model.model_validate(data)  # type: ignore[return-value]
    except ValidationError as exc:
        err = exc.errors(include_url=False, include_input=False)[0]
        field = ".".join(str(p) for p in err["loc"]) or "case"
        msg = "unknown field" if err["type"] == "extra_forbidden" else err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "required"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise InvalidInputError(f"{field}: {msg}{more}", field=field) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def decode_json(text: str) -> Any:
    """JSON with numbers as Decimal; NaN/Infinity, deep nesting and huge numbers refused."""
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except RecursionError:
        raise InvalidInputError("invalid JSON: nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except (ValueError, InvalidOperation) as exc:
        raise InvalidInputError(f"invalid JSON: {exc}") from None
