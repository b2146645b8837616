"""The one registry of benefits.

A benefit is a module of ``benefitcalc.calc`` named by its id (``calc/unemployment.py``)
that declares ``BENEFIT = Benefit(...)``: its case model, amounts, sub-sections, methods,
step labels and calculate function. The case union, dispatch, result schemas, labels and
rendering all derive from these records, so adding a benefit touches its own module, its
ruleset section models (``rules/sections/<id>.py``), its CLI command and its tests — nothing
here. A benefit defined elsewhere (a test's toy, a plug-in) joins with ``register``.
Modules are imported only when their benefit is asked for.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .calc.base import Benefit
from .errors import InvalidInputError, ProgrammingError
from .models import CaseBase
from .rules import sections

_REGISTERED: dict[str, Benefit] = {}
_NOT_BENEFITS = frozenset({"base"})
#: what a case that is no JSON object is, in Chinese (by its English word)
_KIND_ZH = {"null": "空值 null", "an array": "数组", "str": "字符串", "int": "数字", "Decimal": "数字",
            "bool": "布尔值"}


@cache
def _builtin_ids() -> tuple[str, ...]:
    names = (p.stem for p in (Path(__file__).parent / "calc").glob("*.py"))
    return tuple(sorted(n for n in names if n not in _NOT_BENEFITS and not n.startswith("_")))


def ids() -> list[str]:
    """Every benefit id, built-in and registered."""
    return sorted({*_builtin_ids(), *_REGISTERED})


def get(benefit_id: str) -> Benefit:
    """The benefit of an id; ``invalid_input`` naming the known ids for any other."""
    if benefit_id in _REGISTERED:
        return _REGISTERED[benefit_id]
    if benefit_id not in _builtin_ids():
        raise InvalidInputError(f"benefit: must be one of {', '.join(ids())} (got {str(benefit_id)[:40]!r})",
                                field="benefit",
                                zh=f"benefit：须为以下之一：{', '.join(ids())}（收到 {str(benefit_id)[:40]!r}）")
    name = f"{__package__}.calc.{benefit_id}"
    found = getattr(sys.modules.get(name) or import_module(name), "BENEFIT", None)  # import_module is slow
    if not isinstance(found, Benefit) or found.id != benefit_id:
        raise ProgrammingError(f"calc/{benefit_id}.py must declare BENEFIT = Benefit(id={benefit_id!r}, …)")
    return found


def all_benefits() -> list[Benefit]:
    return [get(i) for i in ids()]


def register(benefit: Benefit) -> None:
    """Add a benefit defined outside the package (and its ruleset section, if it has one)."""
    if benefit.id in _builtin_ids():
        raise ProgrammingError(f"{benefit.id!r} is a built-in benefit")
    _REGISTERED[benefit.id] = benefit
    if benefit.group is not None:
        sections.register(benefit.group)


def unregister(benefit_id: str) -> None:
    benefit = _REGISTERED.pop(benefit_id, None)
    if benefit is not None and benefit.group is not None:
        sections.unregister(benefit.group.name)


@contextmanager
def registered(benefit: Benefit) -> Iterator[Benefit]:
    """``register`` for the duration of a ``with`` block."""
    register(benefit)
    try:
        yield benefit
    finally:
        unregister(benefit.id)


def parse_case(data: Any) -> CaseBase:
    """Validate a decoded JSON object as a case of its ``benefit``; errors name the field."""
    if not isinstance(data, dict):
        kind = "null" if data is None else "an array" if isinstance(data, list) else type(data).__name__
        raise InvalidInputError(f"a case must be a JSON object, not {kind}",
                                zh=f"案例须为 JSON 对象，不能是{_KIND_ZH.get(kind, kind)}")
    benefit_id = data.get("benefit")
    if not isinstance(benefit_id, str):
        raise InvalidInputError(f"benefit: must be one of {', '.join(ids())}", field="benefit",
                                zh=f"benefit：须为以下之一：{', '.join(ids())}")
    model = get(benefit_id).case_model
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        from .validation import message

        err = exc.errors(include_url=False, include_input=False)[0]
        msg, zh = message(err)
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        more_zh = f"（另有 {exc.error_count() - 1} 处错误）" if exc.error_count() > 1 else ""
        if err["loc"]:
            field = ".".join(str(p) for p in err["loc"])
            raise InvalidInputError(f"{field}: {msg}{more}", field=field, zh=f"{field}：{zh}{more_zh}") from None
        # a check across fields names its field first ("original_age: …")
        field = msg.partition(":")[0] if ":" in msg and " " not in msg.partition(":")[0] else "case"
        raise InvalidInputError(f"{msg}{more}", field=field, zh=f"{zh}{more_zh}") from None
