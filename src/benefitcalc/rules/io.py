"""The only place TOML is read or written, the bounded reader of files inside a rulesets
tree, and the canonical JSON behind the hashes.

Numbers are read with ``parse_float=Decimal``: money and rates never pass through float.
Every number is bounded in size and scale right after parsing, before anything hashes,
formats or computes with it. Nothing read here is ever evaluated as code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import stat
import tomllib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..errors import InvalidRulesetError, Problem

#: A ruleset file larger than this is refused before it is parsed.
MAX_FILE_BYTES = 1 << 20
#: The largest magnitude (10^15) and the most decimal places (10) a ruleset number may have.
MAX_ADJUSTED = 15
MAX_PLACES = 10


def read_bytes(path: Path, root: Path, name: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file inside ``root``, at most ``limit`` of them.

    A symlink is followed only to a file inside the tree; a FIFO, a device or a directory
    is refused without being opened for a blocking read.
    """
    try:
        real = path.resolve(strict=True)
        inside = real.is_relative_to(root.resolve(strict=True))
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        raise InvalidRulesetError([Problem(name, "", f"cannot read: {getattr(exc, 'strerror', None) or exc}")]) \
            from None
    if not inside:
        raise InvalidRulesetError([Problem(name, "", "is a link to a file outside the rulesets tree")])
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InvalidRulesetError([Problem(name, "", f"cannot read: {exc.strerror}")]) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InvalidRulesetError([Problem(name, "", "is not a regular file")])
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InvalidRulesetError([Problem(name, "", f"cannot read: {exc.strerror}")]) from None
    finally:
        os.close(fd)
    if size > limit:
        raise InvalidRulesetError([Problem(name, "", f"larger than {limit} bytes")])
    return b"".join(chunks)


def parse_toml(text: str, file: str, check_numbers: bool = True) -> dict[str, Any]:
    """Parse TOML text; a syntax problem or an out-of-bounds number becomes an
    ``InvalidRulesetError`` naming the file (and the key path of every bad number).
    ``check_numbers=False`` only for bytes already validated (a sealed file)."""
    try:
        doc = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidRulesetError([Problem(file, "", f"not valid TOML: {exc}")]) from None
    except RecursionError:
        raise InvalidRulesetError([Problem(file, "", "not valid TOML: nested too deeply")]) from None
    except ValueError as exc:  # an integer of thousands of digits
        raise InvalidRulesetError([Problem(file, "", f"not valid TOML: {exc}")]) from None
    problems = [Problem(file, path, message) for path, message in _bad_numbers(doc, "")] if check_numbers else []
    if problems:
        raise InvalidRulesetError(problems)
    return doc


def decode_toml(raw: bytes, file: str, check_numbers: bool = True) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRulesetError([Problem(file, "", f"not UTF-8: {exc.reason}")]) from None
    return parse_toml(text, file, check_numbers)


def _bad_numbers(node: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _bad_numbers(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _bad_numbers(value, f"{path}[{_item_label(value, i)}]")
    elif isinstance(node, Decimal):
        problem = number_problem(node)
        if problem:
            yield path, problem
    elif isinstance(node, int) and not isinstance(node, bool) and abs(node) >= 10**MAX_ADJUSTED:
        yield path, f"must be below 10^{MAX_ADJUSTED}"
    elif isinstance(node, str) and ("\x00" in node or len(node) > 10_000):
        yield path, "a text may not hold a NUL character or be longer than 10,000 characters"


def _item_label(value: Any, index: int) -> str:
    """How a problem path names an array item: a block by its ``since`` or ``year``."""
    if isinstance(value, dict):
        for key in ("since", "year"):
            if isinstance(value.get(key), dt.date | int) and not isinstance(value.get(key), bool):
                return f"{key}={value[key]}"
    return str(index)


def number_problem(value: Decimal) -> str | None:
    """Why a Decimal cannot be a ruleset number, or None."""
    if not value.is_finite():
        return "must be a finite number"
    if value and value.adjusted() >= MAX_ADJUSTED:
        return f"must be below 10^{MAX_ADJUSTED}"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES:
        return f"at most {MAX_PLACES} decimal places"
    return None


def to_toml_value(value: Any) -> Any:
    """Prepare data for tomli-w so that it reads back to the same values, scale included."""
    if isinstance(value, Decimal):
        _, _, exponent = value.as_tuple()
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


_FIELDS: dict[type, list[tuple[str, str]]] = {}


def _fields(kind: type[BaseModel]) -> list[tuple[str, str]]:
    if kind not in _FIELDS:
        _FIELDS[kind] = [(name, info.alias or name) for name, info in kind.model_fields.items()]
    return _FIELDS[kind]


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return "\x00S" + value if "\x00" in value else value  # never taken for a marked Decimal
    if kind is Decimal:
        return _DECIMAL_MARK + format(value, "f")
    if kind is dict:
        return {str(k): _plain(v) for k, v in value.items()}
    if kind is tuple or kind is list:
        return [_plain(v) for v in value]
    if value is None or kind is int or kind is bool:
        return value
    if isinstance(value, BaseModel):  # every field, defaults included, under its name in the file
        return {key: _plain(getattr(value, name)) for name, key in _fields(kind)}
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _DECIMAL_MARK + format(value, "f")
    if isinstance(value, str):
        return _plain(str(value))
    return value


def canonical_json(value: Any) -> str:
    """Sorted keys, ISO dates, Decimals in plain fixed-point (as JSON numbers), no whitespace;
    a validated model as all its fields under their names in the file."""
    text = json.dumps(_plain(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return _MARKED.sub(r"\1", text)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_of(value: Any) -> str:
    return sha256_text(canonical_json(value))


def sha256_bytes(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()
