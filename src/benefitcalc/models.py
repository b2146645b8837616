"""Case and result types (SPEC §3): what a caller sends and what a calculation returns.

A case is validated whichever way it arrived (CLI options, a JSON file, a batch line):
unknown keys, wrong types, out-of-range or non-finite numbers and impossible dates all
become ``InvalidInputError`` naming the field. Each benefit's case model lives in its own
module (``calc/<benefit>.py``) and builds on ``CaseBase`` and the field types here; the
case union is derived from the benefit registry (``benefits.py``).

Results are typed records (``Result``, ``ErrorResult``) that turn into the JSON of the
contract with ``to_json()``; money stays ``Decimal`` until then.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any, NamedTuple

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from .errors import BilingualValueError, InvalidInputError
from .explain import Step
from .notices import Notice

CONTRACT = 1
MAX_MONEY = Decimal(10_000_000)
#: The longest case a caller may send, in characters (a line of a JSON Lines batch).
MAX_CASE_CHARS = 1 << 20
_DECIMAL_TEXT = re.compile(r"^-?[0-9]{1,12}(\.[0-9]{1,6})?$")
_WHOLE_TEXT = re.compile(r"^\s*[0-9]{1,6}(\.0*)?\s*$")
_DATE_TEXT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
#: the json module's messages (``JSONDecodeError.msg``) in Chinese; any other is shown as is
_JSON_ZH = {
    "Expecting value": "缺少值",
    "Expecting ',' delimiter": "缺少分隔符 ','",
    "Expecting ':' delimiter": "缺少分隔符 ':'",
    "Expecting property name enclosed in double quotes": "键名须用双引号括起",
    "Extra data": "有多余内容",
    "Unterminated string starting at": "字符串未结束",
    "Invalid control character at": "含无效的控制字符",
    "Invalid \\escape": "无效的转义符",
    "Invalid \\uXXXX escape": "无效的 \\uXXXX 转义符",
    "Illegal trailing comma before end of object": "对象末尾多了逗号",
    "Illegal trailing comma before end of array": "数组末尾多了逗号",
}
CENT = Decimal("0.01")


def money_text(value: Decimal) -> str:
    """Fixed-point text with two decimals: "1417.50", never exponent notation."""
    return format(value.quantize(CENT, rounding=ROUND_HALF_UP), "f")


def _bounded(value: Decimal) -> Decimal:
    """A finite Decimal of sane size and at most six decimal places, checked before any
    arithmetic could expand it (1e-999999999 would otherwise take gigabytes)."""
    if not value.is_finite():
        raise BilingualValueError("must be a finite number", "须为有限数")
    if value and value.adjusted() > 12:
        raise BilingualValueError(f"must be at most {MAX_MONEY}", f"须不大于 {MAX_MONEY}")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6:
        value = value.normalize()
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -6:
            raise BilingualValueError("at most 6 decimal places", "最多 6 位小数")
    return value


def _money(value: Any) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise BilingualValueError("must be a number", "须为数字")
    if isinstance(value, str):
        if not _DECIMAL_TEXT.match(value.strip()):
            raise BilingualValueError(f"{value[:40]!r} is not a decimal number", f"{value[:40]!r} 不是十进制数")
        value = Decimal(value.strip())
    elif isinstance(value, int):
        if abs(value) > MAX_MONEY:
            raise BilingualValueError(f"must be at most {MAX_MONEY}", f"须不大于 {MAX_MONEY}")
        value = Decimal(value)
    elif isinstance(value, float):
        value = Decimal(repr(value))
    if not isinstance(value, Decimal):
        raise BilingualValueError("must be a number", "须为数字")
    value = _bounded(value)
    if value < 0 or value > MAX_MONEY:
        raise BilingualValueError(f"must be between 0 and {MAX_MONEY}", f"须在 0 至 {MAX_MONEY} 之间")
    return value


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        value = value.strip()  # as a region's surrounding spaces are
    if not isinstance(value, str) or not _DATE_TEXT.match(value):
        raise BilingualValueError("must be a date as YYYY-MM-DD", "须为日期 YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BilingualValueError(f"{value} is not a real date", f"{value} 不是实际存在的日期") from None


def whole_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise BilingualValueError("must be a whole number", "须为整数")
    if isinstance(value, str):
        if not _WHOLE_TEXT.match(value):
            if value.strip().startswith("-") and value.strip()[1:].isdecimal():
                raise BilingualValueError("must be at least 0", "须不小于 0")
            raise BilingualValueError(f"{value[:40]!r} is not a whole number", f"{value[:40]!r} 不是整数")
        return int(value.strip().partition(".")[0])
    if isinstance(value, Decimal):
        if not value.is_finite() or (value and value.adjusted() > 6):
            raise BilingualValueError("must be a whole number of at most 6 digits", "须为不超过 6 位的整数")
        if value != value.to_integral_value():
            raise BilingualValueError("must be a whole number", "须为整数")
        return int(value)
    return value


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise BilingualValueError("must be true or false", "须为 true 或 false")


def _ident(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BilingualValueError("must be a string or a whole number", "须为字符串或整数")
    if isinstance(value, int) and abs(value) >= 10**15:
        raise BilingualValueError("a numeric id must have at most 15 digits", "数字编号最多 15 位")
    if isinstance(value, str):
        if len(value) > 200:
            raise BilingualValueError("at most 200 characters", "最多 200 个字符")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BilingualValueError("is not valid Unicode text", "不是有效的 Unicode 文本") from None
    return value


def _case_day(value: dt.date) -> dt.date:
    if not dt.date(1949, 10, 1) <= value <= dt.date(2199, 12, 31):
        raise BilingualValueError("must be between 1949-10-01 and 2199-12-31", "须在 1949-10-01 至 2199-12-31 之间")
    return value


Money = Annotated[Decimal, BeforeValidator(_money)]
CaseDay = Annotated[dt.date, BeforeValidator(_date), AfterValidator(_case_day)]
Date = Annotated[dt.date, BeforeValidator(_date)]
Months = Annotated[int, BeforeValidator(whole_number), Field(ge=0, le=1200)]
Flag = Annotated[bool, BeforeValidator(_bool)]
def _years(value: Any) -> Decimal:
    try:
        years = _money(value)
    except ValueError as exc:
        if "between" not in str(exc) and "at most" not in str(exc):
            raise
        years = Decimal(-1)
    if not 0 <= years <= 80:
        raise BilingualValueError("must be between 0 and 80 years", "须在 0 至 80 年之间")
    return years


def _percent(value: Any) -> Decimal:
    """A signed percent (an index that may fall): -100 to 1000, at most 6 decimal places."""
    if isinstance(value, str) and value.strip().startswith("-"):
        return -_percent_size(_money(value.strip()[1:]))  # one sign: "--3" is not a number
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool) and value < 0:
        return -_percent_size(_money(-value))
    return _percent_size(_money(value))


def _percent_size(number: Decimal) -> Decimal:
    if number > 1000:
        raise BilingualValueError("must be between -100 and 1000 (percent)", "须在 -100 至 1000 之间（百分数）")
    return number


#: a percent that may be negative (a price index's rise: 3.2 means 3.2 %)
Percent = Annotated[Decimal, BeforeValidator(_percent), Field(ge=-100)]

#: years, possibly with a part year (contribution years: 32.5), from 0 to 80
Years = Annotated[Decimal, BeforeValidator(_years)]
CaseId = Annotated[str | int | None, BeforeValidator(_ident)]


class CaseBase(BaseModel):
    """What every case has (SPEC §3.1); a benefit's case adds its ``benefit`` literal and fields."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    #: the benefit id; each benefit's case narrows it to its own literal
    benefit: str
    id: CaseId = None
    region: str = Field(min_length=1, max_length=64)
    district: str | None = Field(default=None, min_length=1, max_length=32)
    #: the case's date, from 1949-10-01 to 2199-12-31 (the span rulesets may cover)
    as_of: CaseDay


# --- reading JSON -------------------------------------------------------------------


def _number(text: str) -> Decimal:
    value = Decimal(text[:41])
    if len(text) > 40 or (value and value.adjusted() > 15) or value.as_tuple().exponent < -15:  # type: ignore[operator]
        shown = f"{text[:20]}{'…' if len(text) > 20 else ''}"
        raise BilingualValueError(f"number {shown} is out of range (at most 15 digits before the point and 15 after)",
                                  f"数字 {shown} 超出范围（整数部分、小数部分各最多 15 位）")
    return value


def _whole(text: str) -> int:
    if len(text.lstrip("-")) > 15:
        raise BilingualValueError(f"number {text[:20]}… has more than 15 digits", f"数字 {text[:20]}… 超过 15 位")
    return int(text)


def _no_constant(name: str) -> Any:
    raise BilingualValueError(f"{name} is not a number", f"{name} 不是数字")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise BilingualValueError(f"the key {key[:40]!r} appears twice", f"键 {key[:40]!r} 重复出现")
        out[key] = value
    return out


def decode_json(text: str) -> Any:
    """JSON with numbers as Decimal; NaN/Infinity, absurd numbers, duplicate keys, deep
    nesting and over-long input refused."""
    if len(text) > MAX_CASE_CHARS:
        raise InvalidInputError(f"invalid JSON: longer than {MAX_CASE_CHARS} characters",
                                zh=f"JSON 格式错误：超过 {MAX_CASE_CHARS} 个字符")
    text = text.removeprefix("\ufeff").strip()
    try:
        return json.loads(text, parse_float=_number, parse_int=_whole, parse_constant=_no_constant,
                          object_pairs_hook=_unique_keys)
    except RecursionError:
        raise InvalidInputError("invalid JSON: nested too deeply", zh="JSON 格式错误：嵌套层数过多") from None
    except json.JSONDecodeError as exc:
        lines = "\n" in text
        where = f"line {exc.lineno} column {exc.colno}" if lines else f"column {exc.colno}"
        where_zh = f"第 {exc.lineno} 行第 {exc.colno} 列" if lines else f"第 {exc.colno} 列"
        raise InvalidInputError(f"invalid JSON: {exc.msg} at {where}",
                                zh=f"JSON 格式错误：{where_zh}{_JSON_ZH.get(exc.msg, exc.msg)}") from None
    except (ValueError, InvalidOperation) as exc:
        raise InvalidInputError(f"invalid JSON: {exc}", zh=f"JSON 格式错误：{getattr(exc, 'zh', exc)}") from None


# --- results ---------------------------------------------------------------------------


class FileRef(NamedTuple):
    """A ruleset file a result used: region, level, version and ``file_sha256``."""

    region: str
    level: str
    version: str
    file_sha256: str

    def to_json(self) -> dict[str, str]:
        return self._asdict()


class Extra(NamedTuple):
    """A sourced entitlement beside the amounts (SPEC §3.2), with an amount only where
    the source gives one."""

    id: str
    label: tuple[str, str]
    amount: Decimal | None
    condition: tuple[str, str]
    sources: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": {"zh": self.label[0], "en": self.label[1]},
                "amount": None if self.amount is None else money_text(self.amount),
                "condition": {"zh": self.condition[0], "en": self.condition[1]}, "sources": list(self.sources)}


AmountValue = Decimal | int | str


def amount_json(value: AmountValue) -> str | int:
    """Money as two-decimal text, counts as integers, anything else as its text."""
    if isinstance(value, Decimal):
        return money_text(value)
    return value


class Result(NamedTuple):
    """One calculation's answer (SPEC §3.2)."""

    id: str | int | None
    benefit: str
    region: str
    district: str | None
    as_of: dt.date
    benefitcalc_version: str
    rulesets: tuple[FileRef, ...]
    resolved_sha256: str
    eligible: bool
    reasons: tuple[Notice, ...]
    warnings: tuple[Notice, ...]
    amounts: Mapping[str, AmountValue]
    extras: tuple[Extra, ...]
    steps: tuple[Step, ...]
    sources: Mapping[str, Mapping[str, str]]
    #: the case as validated: defaults filled in, absent optional fields left out (JSON-ready)
    case: Mapping[str, Any] | None = None
    #: where ``district`` came from: "case", "address" (the region's name), "core" (an area
    #: tier's core district, for a case without one), or None (no district played a part)
    district_source: str | None = None

    def to_json(self, steps: bool = True) -> dict[str, Any]:
        return {
            "id": self.id, "benefit": self.benefit, "region": self.region, "district": self.district,
            "district_source": self.district_source,
            "as_of": self.as_of.isoformat(), "case": dict(self.case or {}), "contract": CONTRACT,
            "benefitcalc_version": self.benefitcalc_version,
            "rulesets": [f.to_json() for f in self.rulesets], "resolved_sha256": self.resolved_sha256,
            "eligible": self.eligible, "reasons": [n.to_json() for n in self.reasons],
            "warnings": [w.to_json() for w in self.warnings],
            "amounts": {k: amount_json(v) for k, v in self.amounts.items()},
            "extras": [x.to_json() for x in self.extras],
            "steps": [s.to_json() for s in self.steps] if steps else [],
            "sources": {k: dict(v) for k, v in self.sources.items()},
        }


class ErrorResult(NamedTuple):
    """A case that could not be computed (SPEC §3.3): its id (when it could be read), its
    line in a batch, and the error."""

    id: str | int | None
    line: int | None
    code: str
    message: str  # English
    details: Mapping[str, Any]
    zh: str = ""

    def text(self, lang: str) -> str:
        """The message in ``lang`` ("zh" or "en")."""
        return (self.zh or self.message) if lang == "zh" else self.message

    def to_json(self, steps: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        if self.line is not None:
            out["line"] = self.line
        out["error"] = {"code": self.code, "message": {"zh": self.zh or self.message, "en": self.message},
                        "details": dict(self.details)}
        return out


#: compact JSON as every command writes it (``--indent`` aside)
compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class LineEncoder:
    """A result or error as one compact JSON line in UTF-8, the bytes of
    ``compact(x.to_json(steps))``, faster: what repeats across a batch's results — the
    rulesets and hash, the reasons and warnings, the extras, the cited sources — is encoded
    once and reused. A source id's record is its tree's, so the sources are cached by the ruleset
    files' hashes too: a result of another tree is encoded right. Each cache is bounded."""

    LIMIT = 4096

    def __init__(self) -> None:
        self._rules: dict[tuple[Any, ...], bytes] = {}
        self._notices: dict[tuple[Any, ...], bytes] = {}
        self._sources: dict[tuple[Any, ...], bytes] = {}
        self._extras: dict[tuple[Any, ...], bytes] = {}

    def __call__(self, answer: Result | ErrorResult, steps: bool = False) -> bytes:
        if isinstance(answer, ErrorResult):
            return compact(answer.to_json()).encode()
        r = answer
        head = compact({"id": r.id, "benefit": r.benefit, "region": r.region, "district": r.district,
                        "district_source": r.district_source, "as_of": r.as_of.isoformat(), "case": dict(r.case or {})})
        rules = self._cached(self._rules, (r.benefitcalc_version, r.rulesets, r.resolved_sha256), lambda: (
            f',"contract":{compact(CONTRACT)},"benefitcalc_version":{compact(r.benefitcalc_version)},'
            f'"rulesets":{compact([f.to_json() for f in r.rulesets])},"resolved_sha256":{compact(r.resolved_sha256)},'
            '"eligible":'))
        notices = self._cached(self._notices, (r.reasons, r.warnings), lambda: (
            f',"reasons":{compact([n.to_json() for n in r.reasons])},'
            f'"warnings":{compact([w.to_json() for w in r.warnings])},"amounts":'))
        sources = self._cached(self._sources, (r.rulesets, *r.sources), lambda: (
            f',"sources":{compact({k: dict(v) for k, v in r.sources.items()})}}}'))
        extras = self._cached(self._extras, r.extras, lambda: compact([x.to_json() for x in r.extras])) \
            if r.extras else b"[]"
        shown = compact([s.to_json() for s in r.steps]).encode() if steps and r.steps else b"[]"
        amounts = compact({k: amount_json(v) for k, v in r.amounts.items()}).encode()
        return b"".join((head[:-1].encode(), rules, b"true" if r.eligible else b"false", notices, amounts,
                         b',"extras":', extras, b',"steps":', shown, sources))

    def _cached(self, cache: dict[Any, bytes], key: Any, make: Callable[[], str]) -> bytes:
        found = cache.get(key)
        if found is None:
            if len(cache) >= self.LIMIT:
                cache.clear()
            found = cache[key] = make().encode()
        return found
