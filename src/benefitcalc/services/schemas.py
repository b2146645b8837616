"""The JSON Schemas of cases, results and ruleset files, derived from the models and the
benefit registry (``benefitcalc schema case|result|ruleset``).

Each is JSON Schema draft 2020-12 that a standard validator uses as is: a stable ``$id``
naming the contract version (``https://benefitcalc.example/schema/1/case.json``; the
``.example`` domain is reserved, so the id never resolves and is only a name), every
definition in one ``$defs`` at the root, standard keywords only. pydantic generates them
from the models; ``_Generator`` teaches it what benefitcalc's own validators accept — money
as a JSON number or a decimal string, a count as a whole number or its text, a date as an
existing ISO date within the era, a ruleset parameter as a plain number or ``{value, source,
confidence, note}`` — with the same bounds. The checks across fields that JSON Schema can
say are added beside them (``_CASE_RULES``, ``_model_rules``); what it cannot say (a birth
date before ``as_of``, at most six decimal places of a JSON number, a tier the tier table
names) stays with the tool. tests/test_schemas.py keeps schema and tool in step.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Annotated, Any, Literal, Union, cast, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, create_model
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from .. import benefits
from ..errors import ProgrammingError
from ..models import CONTRACT, MAX_MONEY, CaseBase, CaseDay, CaseId, Date, Money, Months, Percent, Years
from ..rules import schema as rules_schema
from ..rules.schema import Confidence

DRAFT = "https://json-schema.org/draft/2020-12/schema"
#: where the schemas' ``$id``s live (a reserved domain: a name, never fetched)
SCHEMA_BASE = "https://benefitcalc.example/schema"


def schema_id(kind: str) -> str:
    """The stable ``$id`` of a schema: ``https://benefitcalc.example/schema/1/case.json``."""
    return f"{SCHEMA_BASE}/{CONTRACT}/{kind}.json"


# --- what benefitcalc's own validators accept, in JSON Schema ------------------------------
#
# The generator leaves a placeholder ``{_INPUT: {"kind": …, …}}`` where a validator of ours
# decides what is accepted; pydantic then merges the field's bounds (``ge``, ``le``, ``gt``)
# beside it, and ``_finish`` turns both into standard keywords.

_INPUT = "x-benefitcalc-input"
#: the most digits the tool reads in a decimal string (``models._DECIMAL_TEXT``) and a whole one
_DECIMAL_DIGITS, _FRACTION_DIGITS, _WHOLE_DIGITS = 12, 6, 6
#: contribution years, whole or not, are 0 to 80 (``models._years``, ``calc.resident_pension._years``)
_MAX_YEARS = 80
#: a price index's rise is at most 1000 % either way before the field's own lower bound (``models._percent``)
_MAX_PERCENT = 1000
#: a woman's original statutory retirement age (``calc.retirement_age.check_sex_and_age``)
_ORIGINAL_AGES = (50, 55)
#: the longest ruleset text (``rules.schema._plain_text``)
_MAX_TEXT = 10_000
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"


def _funcs(metadata: Any, kind: type[BeforeValidator] | type[AfterValidator]) -> list[Callable[..., Any]]:
    """The functions of the validators of one kind in an ``Annotated`` alias or a field's metadata."""
    items: list[Any] = list(get_args(metadata)[1:] if get_args(metadata) else metadata)
    return [m.func for m in items if isinstance(m, kind)]


def _before(alias: Any) -> Callable[..., Any]:
    return _funcs(alias, BeforeValidator)[0]


def _after(alias: Any) -> Callable[..., Any]:
    return _funcs(alias, AfterValidator)[0]


@cache
def _before_forms() -> dict[Callable[..., Any], dict[str, Any]]:
    """Validator → the input form it accepts (``_finish`` says each form in JSON Schema)."""
    from ..calc import resident_pension, retirement_age

    return {
        _before(Money): {"kind": "decimal", "lo": 0, "hi": int(MAX_MONEY)},
        _before(Years): {"kind": "decimal", "lo": 0, "hi": _MAX_YEARS},
        _before(Percent): {"kind": "decimal", "lo": -_MAX_PERCENT, "hi": _MAX_PERCENT, "loose_minus": True},
        _before(Months): {"kind": "whole"},
        _before(resident_pension.WholeYears): {"kind": "whole", "lo": 0, "hi": _MAX_YEARS},
        _before(retirement_age.OriginalAgeField): {"kind": "whole", "values": _ORIGINAL_AGES},
        _before(Date): {"kind": "date", "first": dt.date(1, 1, 1), "last": dt.date(9999, 12, 31)},
        _before(CaseId): {"kind": "id"},
        _before(rules_schema.Num): {"kind": "number"},
        _funcs(rules_schema.Rounding.model_fields["unit"].metadata, BeforeValidator)[0]: {"kind": "unit"},
    }


@cache
def _after_forms() -> dict[Callable[..., Any], Callable[[dict[str, Any]], dict[str, Any]]]:
    """Validator that only narrows → how it narrows the schema of what it receives."""
    from ..rules.sections.injury import GRADES, ByGrade

    era = {"kind": "date", "first": rules_schema.FIRST_DAY, "last": rules_schema.LAST_DAY}
    biggest = int(rules_schema.MAX_VALUE)
    return {
        _after(CaseDay): lambda inner: {**inner, _INPUT: era},
        _after(rules_schema.Date): lambda inner: {**inner, _INPUT: era},
        _after(rules_schema.Num): lambda inner: _narrow(inner, lo=0, hi=biggest),
        _after(rules_schema.Signed): lambda inner: _narrow(inner, lo=-biggest, hi=biggest),
        _after(rules_schema.Str): lambda inner: {"maxLength": _MAX_TEXT, **inner},
        _after(ByGrade): lambda inner: {**inner, "propertyNames": {"enum": list(GRADES)}},
    }


def _narrow(schema: dict[str, Any], **form: Any) -> dict[str, Any]:
    return {**schema, _INPUT: {**schema.get(_INPUT, {}), **form}}


def _closure(func: Any, outer: Callable[..., Any]) -> dict[str, Any] | None:
    """The variables a closure made by ``outer`` (``rules.schema._wrap``) closed over, or None."""
    if getattr(func, "__module__", None) != outer.__module__ or \
            not getattr(func, "__qualname__", "").startswith(f"{outer.__qualname__}.<locals>."):
        return None
    return dict(inspect.getclosurevars(func).nonlocals)


class _Generator(GenerateJsonSchema):
    """pydantic's generator, taught what benefitcalc's own validators accept."""

    def function_before_schema(self, schema: core_schema.BeforeValidatorFunctionSchema) -> JsonSchemaValue:
        func = schema["function"]["function"]
        form = _before_forms().get(func)
        if form is not None:
            if schema["schema"]["type"] == "nullable":  # the converter passes None on (original_age, id)
                return {"anyOf": [{_INPUT: dict(form)}, {"type": "null"}]}
            return {_INPUT: dict(form)}
        inner = self.generate_inner(schema["schema"])
        if func is _before(rules_schema.Roundings):
            # round = { unit, mode } rounds the amount; round = { <component> = { unit, mode } } names parts
            return {_INPUT: {"kind": "roundings", "map": inner, "one": inner["additionalProperties"]}}
        wrapped = _closure(func, rules_schema._wrap)
        if wrapped is not None:
            # a plain value stands for { <key> = value } (a number for a parameter, a tier name for a district)
            info = wrapped["kind"].model_fields[wrapped["key"]]
            short = TypeAdapter(cast(Any, Annotated)[(info.annotation, *info.metadata)])
            return {"anyOf": [short.json_schema(schema_generator=_Generator), inner]}
        return super().function_before_schema(schema)

    def function_after_schema(self, schema: core_schema.AfterValidatorFunctionSchema) -> JsonSchemaValue:
        func = schema["function"]["function"]
        inner = self.generate_inner(schema["schema"])
        narrow = _after_forms().get(func)
        if narrow is not None:
            return narrow(inner)
        checked = _closure(func, rules_schema._param_check)
        if checked is not None:  # a Share or Whole parameter, in either form
            limits: dict[Any, dict[str, Any]] = {rules_schema.check_share: {"maximum": 1},
                                                 rules_schema.check_whole: {"type": "integer"}}
            limit = limits[checked["check"]]
            short, full = inner["anyOf"]
            form = {"hi": 1} if "maximum" in limit else {"integer": True}
            return {"anyOf": [_narrow(short, **form), {**full, "properties": {"value": limit}}]}
        return inner

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        out = super().model_schema(schema)
        cls = schema["cls"]
        properties = out.get("properties", {})
        for name, doc in _field_docs(cast(Any, cls)).items():
            info = cls.model_fields.get(name)
            key = name if info is None or info.alias is None or name in properties else info.alias
            if key in properties:
                properties[key].setdefault("description", doc)
        _model_rules(cls, out)
        return out


@cache
def _field_docs(cls: type) -> dict[str, str]:
    """A model's field docs: the ``#:`` comment lines above each field (as Sphinx reads them)."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not (isinstance(klass, type) and issubclass(klass, BaseModel)) or klass is BaseModel:
            continue
        try:
            lines = inspect.getsource(klass).splitlines()
        except (OSError, TypeError):  # no source (a frozen build): no descriptions
            continue
        comment: list[str] = []
        for line in lines[1:]:
            if line.startswith("    #:"):
                comment.append(line.strip()[2:].strip())
                continue
            field = re.match(r"^    ([a-z_][a-z0-9_]*)\s*:", line)
            if field and comment:
                docs[field.group(1)] = " ".join(comment)
            comment = []
    return docs


def _given(field: str) -> dict[str, Any]:
    return {"required": [field], "properties": {field: {"not": {"type": "null"}}}}


#: What the case models' own validators check across fields, where JSON Schema can say it
#: (the order of two dates it cannot). "*" applies to every case with the fields it names.
_CASE_RULES: dict[str, tuple[dict[str, Any], ...]] = {
    # retirement_age.check_sex_and_age: original_age (50 or 55) is a woman's, never a man's
    "*": ({"if": _given("original_age"), "then": {"required": ["sex"], "properties": {"sex": {"const": "female"}}}},),
    # calc/injury.py InjuryCase._consistent
    "injury": (
        {"if": {"properties": {"outcome": {"const": "disability"}}},
         "then": {"required": ["disability_grade"], "properties": {"disability_grade": {"not": {"type": "null"}},
                                                                   "dependants": {"maxItems": 0}}}},
        {"if": {"properties": {"outcome": {"const": "death"}}},
         "then": {"properties": {"care_level": {"const": "none"}, "employment_ended": {"const": False}}}},
        {"if": _given("employment_end_date"),
         "then": {"required": ["employment_ended"], "properties": {"employment_ended": {"const": True}}}},
    ),
    # calc/pension_adjustment.py: a group is named once
    "pension_adjustment": ({"properties": {"groups": {"uniqueItems": True}}},),
    # calc/retirement_age.py: a woman's original_age is required; no district
    "retirement_age": (
        {"if": {"required": ["sex"], "properties": {"sex": {"const": "female"}}}, "then": _given("original_age")},
        {"properties": {"district": {"type": "null"}}},
    ),
}


def _model_rules(cls: type, out: dict[str, Any]) -> None:
    """The checks of a model's own validators that JSON Schema can say, added to its schema."""
    properties = out.get("properties", {})
    rules: list[dict[str, Any]] = []
    if issubclass(cls, rules_schema.Provenance | rules_schema.Block) and "confidence" in properties:
        doubt = [c for c in get_args(Confidence) if c != "confirmed"]
        rules.append({"if": {"required": ["confidence"], "properties": {"confidence": {"enum": doubt}}},
                      "then": {"required": ["note"], "properties": {"note": {"pattern": r"\S"}}}})
    if issubclass(cls, rules_schema.Block) and "round" in properties:
        for form in _forms_in(properties["round"], "roundings"):
            form["names"] = list(cls.ROUNDED)
    if issubclass(cls, CaseBase):
        from ..calc.retirement_age import EARLIEST_BIRTH

        for form in _forms_in(properties.get("birth_date", {}), "date"):  # check_birth
            form.update(first=EARLIEST_BIRTH, last=rules_schema.LAST_DAY)
        benefit = next(iter(get_args(cls.model_fields["benefit"].annotation)), None)
        rules += [r for r in _CASE_RULES["*"] if set(r["if"]["required"]) <= set(properties)]
        rules += _CASE_RULES.get(str(benefit), ())
    if rules:
        out["allOf"] = [*out.get("allOf", ()), *rules]


def _forms_in(schema: Any, kind: str) -> Iterator[dict[str, Any]]:
    """The placeholders of one kind in a schema (not through references)."""
    if isinstance(schema, dict):
        form = schema.get(_INPUT)
        if isinstance(form, dict) and form.get("kind") == kind:
            yield form
        for key, value in schema.items():
            if key != _INPUT:
                yield from _forms_in(value, kind)
    elif isinstance(schema, list):
        for item in schema:
            yield from _forms_in(item, kind)


# --- regular expressions for the text forms ------------------------------------------------


def _same_length(a: str, b: str) -> list[str]:
    """Alternatives matching the numerals from ``a`` to ``b``, both of the same length."""
    if not a:
        return [""]
    if a[0] == b[0]:
        return [a[0] + x for x in _same_length(a[1:], b[1:])]
    n = len(a) - 1
    rest = "" if n == 0 else "[0-9]" if n == 1 else f"[0-9]{{{n}}}"
    whole_low, whole_high = a[1:] == "0" * n, b[1:] == "9" * n
    first, last = int(a[0]) + (not whole_low), int(b[0]) - (not whole_high)
    out = [] if whole_low else [a[0] + x for x in _same_length(a[1:], "9" * n)]
    if first <= last:
        out.append((str(first) if first == last else f"[{first}-{last}]") + rest)
    if not whole_high:
        out += [b[0] + x for x in _same_length("0" * n, b[1:])]
    return out


def _integers(lo: int, hi: int, width: int, exact: bool = False) -> str:
    """The integers lo…hi (0 ≤ lo ≤ hi) as numerals of at most ``width`` digits, with leading
    zeros (``exact``: exactly ``width`` digits)."""
    parts = []
    if lo == 0 and not exact and hi >= 9:
        k = len(str(hi + 1)) - 1  # 0 … 10^k - 1 in one piece
        parts.append(f"{_zeros(width - k)}[0-9]{{1,{k}}}" if k > 1 else f"{_zeros(width - 1)}[0-9]")
        lo = 10 ** k
    while lo <= hi:
        top = min(hi, 10 ** len(str(lo)) - 1)
        alternatives = "|".join(_same_length(str(lo), str(top)))
        pad = "0" * (width - len(str(lo))) if exact else _zeros(width - len(str(lo)))
        parts.append(f"{pad}(?:{alternatives})" if pad else f"(?:{alternatives})")
        lo = top + 1
    return "|".join(parts)


def _zeros(most: int) -> str:
    return "" if most <= 0 else f"0{{0,{most}}}"


def _decimal_text(lo: int, hi: int, open_low: bool, loose_minus: bool) -> str:
    """Decimal text (at most 12 digits before the point and 6 after) of a value in [lo, hi]
    (lo excluded when ``open_low``); ``-0`` is zero."""
    fraction, zero_fraction = r"(?:\.[0-9]{1,6})?", r"(?:\.0{1,6})?"

    def magnitude(top: int, positive: bool) -> str:
        alternatives = []
        if top >= 1 + positive:
            alternatives.append(f"(?:{_integers(int(positive), top - 1, _DECIMAL_DIGITS)}){fraction}")
        if positive:  # 0.something
            nonzero = "|".join(f"{'0' * i}[1-9]" + (f"[0-9]{{0,{n}}}" if (n := _FRACTION_DIGITS - 1 - i) else "")
                               for i in range(_FRACTION_DIGITS))
            alternatives.append(rf"0{{1,{_DECIMAL_DIGITS}}}\.(?:{nonzero})")
        alternatives.append(f"{_zeros(_DECIMAL_DIGITS - len(str(top)))}{top}{zero_fraction}")
        return "|".join(alternatives)

    minus = r"-\s*" if loose_minus else "-"
    branches = [magnitude(hi, open_low and lo == 0)]
    if lo < 0:
        branches.append(f"{minus}(?:{magnitude(-lo, False)})")
    elif lo == 0 and not open_low:
        branches.append(f"{minus}0{{1,{_DECIMAL_DIGITS}}}{zero_fraction}")
    return r"^\s*(?:" + "|".join(f"(?:{b})" for b in branches) + r")\s*$"


def _whole_text(lo: int, hi: int, values: tuple[int, ...] | None) -> str:
    """Whole-number text (at most 6 digits, ``.0`` allowed) of a value in [lo, hi] or ``values``."""
    if values is not None:
        body = "|".join(_integers(v, v, _WHOLE_DIGITS) for v in values)
    else:
        body = _integers(lo, hi, _WHOLE_DIGITS)
    return rf"^\s*(?:{body})(?:\.0*)?\s*$"


def _date_pattern(first: dt.date, last: dt.date) -> str:
    """ISO dates from ``first`` (the first of a month) to ``last`` (31 December) that exist."""
    if first.day != 1 or (last.month, last.day) != (12, 31):
        raise ProgrammingError(f"a date range must start a month and end a year, not {first}…{last}")

    def month_days(months: list[int]) -> str:
        def some(ms: list[int]) -> str:
            return "|".join(f"{m:02d}" for m in ms)

        if len(months) == 12:
            return r"(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31"
        parts = [f"(?:{some(months)})-(?:0[1-9]|1[0-9]|2[0-8])"]
        if not_february := [m for m in months if m != 2]:
            parts.append(f"(?:{some(not_february)})-(?:29|30)")
        if long_months := [m for m in months if m in (1, 3, 5, 7, 8, 10, 12)]:
            parts.append(f"(?:{some(long_months)})-31")
        return "|".join(parts)

    years = _integers(first.year + (first.month > 1), last.year, 4, exact=True)
    parts = [f"(?:{years})-(?:{month_days(list(range(1, 13)))})", f"(?=(?:{years})-){_LEAP_YEAR}-02-29"]
    if first.month > 1:
        parts.append(f"{first.year:04d}-(?:{month_days(list(range(first.month, 13)))})")
    return r"^\s*(?:" + "|".join(parts) + r")\s*$"  # surrounding spaces are trimmed, as the tool does


# --- from placeholders to standard keywords --------------------------------------------------

#: keywords whose value is a map of schemas, and those whose value is data
_SCHEMA_MAPS = ("properties", "$defs", "patternProperties", "dependentSchemas")
_DATA = ("default", "const", "enum", "examples")


def _finish(schema: Any) -> Any:
    """Placeholders to their JSON Schema; pydantic's ``ge``/``le``/``gt``/``lt`` to ``minimum``…;
    no OpenAPI ``discriminator``; ``minLength`` of an object to ``minProperties``."""
    if not isinstance(schema, dict):
        return schema
    schema = dict(schema)
    form = schema.pop(_INPUT, None)
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DATA:
            out[key] = value
        elif key in _SCHEMA_MAPS:
            out[key] = {name: _finish(s) for name, s in value.items()}
        elif isinstance(value, list):
            out[key] = [_finish(s) for s in value]
        else:
            out[key] = _finish(value)
    bounds: dict[str, Any] = {k: out.pop(k) for k in ("ge", "le", "gt", "lt") if k in out}
    if form is not None:
        if form["kind"] == "roundings":  # pydantic's minLength of the table: _form says minProperties
            out.pop("minLength", None)
        return {**_form(form, bounds), **out}
    for key, keyword in (("ge", "minimum"), ("le", "maximum"), ("gt", "exclusiveMinimum"), ("lt", "exclusiveMaximum")):
        if key in bounds:
            out[keyword] = bounds[key]
    if "anyOf" in out:  # {"anyOf": [{"anyOf": [a, b]}, c]} is {"anyOf": [a, b, c]}
        out["anyOf"] = [s for item in out["anyOf"] for s in (item["anyOf"] if list(item) == ["anyOf"] else [item])]
    if "oneOf" in out or "anyOf" in out:
        out.pop("discriminator", None)
    if out.get("type") == "object" and "minLength" in out:
        out["minProperties"] = out.pop("minLength")
    return out


def _form(form: dict[str, Any], bounds: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of one input form, within the field's bounds."""
    kind = form["kind"]
    lo, hi, open_low = form.get("lo"), form.get("hi"), False
    if "lt" in bounds:
        raise ProgrammingError(f"no JSON Schema for an exclusive upper bound of a {kind}")
    if "ge" in bounds and (lo is None or bounds["ge"] > lo):
        lo = int(bounds["ge"])
    if "gt" in bounds and (lo is None or bounds["gt"] >= lo):
        lo, open_low = int(bounds["gt"]), True
    if "le" in bounds and (hi is None or bounds["le"] < hi):
        hi = int(bounds["le"])
    number: dict[str, Any] = {"type": "integer" if kind == "whole" or form.get("integer") else "number"}
    if lo is not None:
        number["exclusiveMinimum" if open_low else "minimum"] = lo
    if hi is not None:
        number["maximum"] = hi
    if kind == "decimal":
        if lo is None or hi is None:
            raise ProgrammingError("a decimal input form needs both bounds")
        text = {"type": "string", "pattern": _decimal_text(lo, hi, open_low, form.get("loose_minus", False))}
        return {"anyOf": [number, text]}
    if kind == "whole":
        values = form.get("values")
        if values is not None:
            number = {"enum": list(values)}
        low, high = max(lo or 0, 0), min(hi if hi is not None else 10**_WHOLE_DIGITS - 1, 10**_WHOLE_DIGITS - 1)
        return {"anyOf": [number, {"type": "string", "pattern": _whole_text(low, high, values)}]}
    if kind == "number":
        return number
    if kind == "date":
        return {"type": "string", "format": "date", "pattern": _date_pattern(form["first"], form["last"])}
    if kind == "id":
        return {"anyOf": [{"type": "string", "maxLength": 200},
                          {"type": "integer", "exclusiveMinimum": -(10**15), "exclusiveMaximum": 10**15}]}
    if kind == "unit":
        units = [int(u) if u == u.to_integral_value() else float(u) for u in rules_schema.ROUNDING_UNITS]
        equal = r"^\s*\+?(?:0*\.0[15]0*|0*\.[15]0*|0*[15](?:\.0*)?|0*10(?:\.0*)?)\s*$"  # Decimal(text) is a unit
        return {"anyOf": [{"type": "number", "enum": units}, {"type": "string", "pattern": equal}]}
    if kind == "roundings":
        names = form.get("names")
        components = {**_finish(form["map"]), "minProperties": 1,
                      "propertyNames": {"enum": names} if names is not None else {"not": {"enum": ["unit", "mode"]}}}
        one = _finish(form["one"])
        return {"anyOf": [one, components]} if names is None or "amount" in names else components
    raise ProgrammingError(f"no JSON Schema for the input form {kind!r}")


def _generate(inputs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The schemas of several types with one set of definitions: (schema by key, ``$defs``)."""
    found, root = TypeAdapter.json_schemas([(key, "validation", TypeAdapter(tp)) for key, tp in inputs.items()],
                                           schema_generator=_Generator)
    return ({key: _finish(found[(key, "validation")]) for key in inputs},
            {name: _finish(d) for name, d in root.get("$defs", {}).items()})


def _name(ref: dict[str, Any]) -> str:
    return str(ref["$ref"]).rsplit("/", 1)[1]


def case_schema() -> dict[str, Any]:
    """Every benefit's case, one of them by ``benefit``."""
    models = tuple(b.case_model for b in benefits.all_benefits())
    union: Any = models[0] if len(models) == 1 else Union[models]  # noqa: UP007 - built at run time
    found, defs = _generate({"case": Annotated[union, Field(discriminator="benefit")]})
    return {"$schema": DRAFT, "$id": schema_id("case"), "title": "benefitcalc case",
            "description": "One case (SPEC §3.1): a JSON object whose benefit picks its fields. Money is a JSON "
                           "number or a decimal string, a count a whole number or its text, a date YYYY-MM-DD. "
                           "Checks that compare fields (a birth date not after as_of) are the tool's.",
            **found["case"], "$defs": defs}


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TextOut(_Out):
    zh: str
    en: str


class NoticeOut(_Out):
    code: str
    message: TextOut


class BlockRefOut(_Out):
    region: str
    section: str
    since: str | None = None
    year: int | None = None


class StepOut(_Out):
    id: str = Field(description="unique within a result; a refinement of a number keeps its id as a prefix "
                                "(duration_months.capped_at_retirement, dependant_pension.child_2, years_rate[15-25]), "
                                "and the last step of an amount's id or its refinements gives the amount")
    label: TextOut
    formula: str = Field(description="the arithmetic, with English words where it needs them")
    formula_zh: str | None = Field(None, description="the formula in Chinese, present only where it differs from "
                                                     "formula (a formula with words)")
    value: str = Field(description="always a string: a count as \"12\", money as an amount \"1575.00\", a rate "
                                   "or other parameter as written (\"0.9\"), a boolean as \"true\" or \"false\", "
                                   "a date or month as text")
    param: str | None
    block: BlockRefOut | None
    level: str | None
    sources: list[str]
    confidence: Confidence | None = None


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


class ErrorBody(_Out):
    #: SPEC §3.3's codes, and "usage" for a usage error the CLI prints as JSON (cli.usage_error)
    code: Literal["invalid_input", "unknown_region", "no_ruleset_in_force", "invalid_ruleset", "usage"]
    message: TextOut
    details: dict[str, Any]


class ErrorOut(_Out):
    id: str | int | None
    line: int | None = None
    error: ErrorBody


_KIND = {"money": (str, Field(pattern=r"^-?[0-9]+\.[0-9]{2}$")), "count": (int, Field()), "text": (str, Field())}


def _extra(kind: str) -> dict[str, Any]:
    info = _KIND[kind][1]
    pattern = next((m.pattern for m in info.metadata if hasattr(m, "pattern")), None)
    return {"pattern": pattern} if pattern else {}


#: where a result's district came from (models.Result.district_source)
_DISTRICT_SOURCE: Any = Literal["case", "address", "core"] | None


def result_models() -> list[type[BaseModel]]:
    """One result model per benefit, its amounts by name and kind (from the registry)."""
    out: list[type[BaseModel]] = []
    literal = cast(Any, Literal)
    for b in benefits.all_benefits():
        amounts = create_model(  # type: ignore[call-overload]
            f"{b.id.title().replace('_', '')}Amounts", __base__=_Out,
            **{a.name: (_KIND[a.kind][0], _KIND[a.kind][1] if a.required else Field(None, **_extra(a.kind)))
               for a in b.amounts})
        out.append(create_model(
            f"{b.id.title().replace('_', '')}Result", __base__=_Out,
            id=(str | int | None, ...), benefit=(literal[b.id], ...), region=(str, ...),
            district=(str | None, ...), district_source=(_DISTRICT_SOURCE, ...),
            as_of=(str, ...),
            case=(dict[str, Any], Field(description="the case as validated: defaults filled in, absent optional "
                                                    "fields left out")),
            contract=(Literal[1], ...),
            benefitcalc_version=(str, ...), rulesets=(list[RulesetRef], ...), resolved_sha256=(str, ...),
            eligible=(bool, ...), reasons=(list[NoticeOut], ...), warnings=(list[NoticeOut], ...),
            amounts=(amounts, ...), extras=(list[ExtraOut], ...), steps=(list[StepOut], ...),
            sources=(dict[str, dict[str, str]], ...)))
    return out


def result_schema() -> dict[str, Any]:
    """A result of any benefit, or an error object; a result's ``case`` is its benefit's case."""
    every = benefits.all_benefits()
    models = result_models()
    union = cast(Any, Union)[(*models, ErrorOut)]
    inputs: dict[str, Any] = {"result": union}
    for b, model in zip(every, models, strict=True):
        inputs |= {f"result:{b.id}": model, f"case:{b.id}": b.case_model}
    found, defs = _generate(inputs)
    for b in every:
        echo = defs[_name(found[f"result:{b.id}"])]["properties"]["case"]
        defs[_name(found[f"result:{b.id}"])]["properties"]["case"] = {
            **found[f"case:{b.id}"], "description": echo.get("description", "the case as validated")}
    return {"$schema": DRAFT, "$id": schema_id("result"), "title": "benefitcalc result",
            "description": "What a calculation prints (SPEC §3.2–3.3): a result of one benefit, or an error "
                           "object {id, line?, error: {code, message: {zh, en}, details}}.",
            **found["result"], "$defs": defs}


def ruleset_schema() -> dict[str, Any]:
    """A ruleset file (TOML) as JSON — dates as ISO strings, numbers as JSON numbers — in the
    forms the loader accepts: a parameter as a plain number or ``{value, source, confidence,
    note}``, a district's tier as its name or ``{tier, …}``, ``round`` as one rounding or one
    per component."""
    from ..rules.schema import AreaBlock, Defaults, Meta, Source
    from ..rules.sections import all_groups, area_schemes

    subsections = {name: spec for group in all_groups() for name, spec in group.subsections.items()}
    found, defs = _generate({"meta": Meta, "defaults": Defaults, "source": Source, "area": AreaBlock,
                             **{name: spec.model for name, spec in subsections.items()}})
    area = {**found["area"], "properties": {"scheme": {"enum": sorted(area_schemes())}}}
    properties: dict[str, Any] = {"meta": found["meta"], "defaults": found["defaults"],
                                  "sources": {"type": "object", "additionalProperties": found["source"]},
                                  "area": {"type": "array", "items": area}}
    for name, spec in subsections.items():
        target = properties
        head, _, tail = name.partition(".")
        if tail:
            section = properties.setdefault(head, {"type": "object", "properties": {},
                                                   "additionalProperties": False})
            target, name = section["properties"], tail
        target[name] = {"type": "array", "items": found[spec.name],
                        "description": f"the {spec.kind} blocks of {spec.name}"}
    return {"$schema": DRAFT, "$id": schema_id("ruleset"), "title": "benefitcalc ruleset",
            "description": "A ruleset file (SPEC §2) read as JSON: TOML dates as YYYY-MM-DD strings, numbers "
                           "as JSON numbers. Checks across blocks and files (contiguous brackets, known tiers "
                           "and sources, non-overlapping blocks) are rulesets check's.",
            "type": "object", "required": ["meta"], "properties": properties, "additionalProperties": False,
            "$defs": defs}


__all__ = ["ErrorOut", "case_schema", "result_models", "result_schema", "ruleset_schema", "schema_id"]
