"""The only place TOML is read or written, and the canonical JSON behind the hashes.

Numbers are read with ``parse_float=Decimal``: money and rates never pass through float.
Nothing read here is ever evaluated as code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import InvalidRulesetError, Problem

#: A ruleset file larger than this is refused before it is parsed.
MAX_FILE_BYTES = 1 << 20


def parse_toml(text: str, file: str) -> dict[str, Any]:
    """Parse TOML text; any syntax problem becomes an ``InvalidRulesetError`` naming the file."""
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidRulesetError([Problem(file, "", f"not valid TOML: {exc}")]) from None
    except RecursionError:
        raise InvalidRulesetError([Problem(file, "", "not valid TOML: nested too deeply")]) from None


def read_toml(path: Path, file: str | None = None) -> dict[str, Any]:
    """Read one ruleset file (UTF-8, at most ``MAX_FILE_BYTES``)."""
    name = file or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidRulesetError([Problem(name, "", f"cannot read: {exc.strerror}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InvalidRulesetError([Problem(name, "", f"larger than {MAX_FILE_BYTES} bytes")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRulesetError([Problem(name, "", f"not UTF-8: {exc.reason}")]) from None
    return parse_toml(text, name)


def to_toml_value(value: Any) -> Any:
    """Prepare data for tomli-w so that it reads back to the same values, scale included."""
    if isinstance(value, Decimal):
        sign, digits, exponent = value.as_tuple()
        if isinstance(exponent, int) and exponent >= 0:
            return int(value)  # tomli-w would write 1850 as 1850.0, changing the scale
        return value
    if isinstance(value, dict):
        return {k: to_toml_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [to_toml_value(v) for v in value]
    return value


def dumps_toml(data: dict[str, Any]) -> str:
    import tomli_w

    return tomli_w.dumps(to_toml_value(data))


def plain_decimal(value: Decimal) -> str:
    """Fixed-point text of a Decimal, never exponent notation ("1417.50", "0.90")."""
    return format(value, "f")


_DECIMAL_MARK = "\x00D\x00"
_MARKED = re.compile(r'"\\u0000D\\u0000(-?[0-9.]+)"')  # how json.dumps writes the mark


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return _DECIMAL_MARK + plain_decimal(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, str) and "\x00" in value:
        return "\x00S" + value  # can never be taken for a marked Decimal
    return value


def canonical_json(value: Any) -> str:
    """Sorted keys, ISO dates, Decimals in plain fixed-point (as JSON numbers), no whitespace."""
    text = json.dumps(_plain(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return _MARKED.sub(r"\1", text)


def sha256_of(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()
