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
        reason = getattr(exc, "strerror", None) or exc
        raise InvalidRulesetError([Problem(name, "", f"cannot read: {reason}", zh=f"无法读取：{reason}")]) from None
    if not inside:
        raise InvalidRulesetError([Problem(name, "", "is a link to a file outside the rulesets tree",
                                           zh="是指向规则集目录之外文件的链接")])
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InvalidRulesetError([Problem(name, "", f"cannot read: {exc.strerror}",
                                           zh=f"无法读取：{exc.strerror}")]) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InvalidRulesetError([Problem(name, "", "is not a regular file", zh="不是普通文件")])
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InvalidRulesetError([Problem(name, "", f"cannot read: {exc.strerror}",
                                           zh=f"无法读取：{exc.strerror}")]) from None
    finally:
        os.close(fd)
    if size > limit:
        raise InvalidRulesetError([Problem(name, "", f"larger than {limit} bytes", zh=f"超过 {limit} 字节")])
    return b"".join(chunks)


def parse_toml(text: str, file: str, check_numbers: bool = True) -> dict[str, Any]:
    """Parse TOML text; a syntax problem or an out-of-bounds number becomes an
    ``InvalidRulesetError`` naming the file (and the key path of every bad number).
    ``check_numbers=False`` only for bytes already validated (a sealed file)."""
    try:
        doc = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidRulesetError([Problem(file, "", f"not valid TOML: {exc}",
                                           zh=f"不是有效的 TOML：{_toml_error_zh(str(exc))}")]) from None
    except RecursionError:
        raise InvalidRulesetError([Problem(file, "", "not valid TOML: nested too deeply",
                                           zh="不是有效的 TOML：嵌套过深")]) from None
    except ValueError as exc:  # an integer of thousands of digits
        raise InvalidRulesetError([Problem(file, "", f"not valid TOML: {exc}",
                                           zh="不是有效的 TOML：整数位数超过上限")]) from None
    problems = [Problem(file, path, en, zh=zh) for path, en, zh in _bad_numbers(doc, "")] if check_numbers else []
    if problems:
        raise InvalidRulesetError(problems)
    return doc


_TOML_ERRORS_ZH = {
    "Invalid value": "无效的值", "Invalid statement": "无效的语句", "Unterminated string": "字符串未结束",
    "Unclosed inline table": "内联表未闭合", "Unclosed array": "数组未闭合",
    "Cannot overwrite a value": "不能覆盖已有的值", "Invalid date or datetime": "无效的日期或日期时间",
    "Expected '=' after a key in a key/value pair": "键值对的键后须有 '='",
    "Expected ']' at the end of a table declaration": "表头须以 ']' 结尾",
    "Expected ']]' at the end of an array declaration": "表数组头须以 ']]' 结尾",
    "Invalid initial character for a key part": "键的首字符无效",
    "Expected newline or end of document after a statement": "语句之后须换行或结束",
    "Unescaped '\\' in a string": "字符串中有未转义的 '\\'", "Invalid hex value": "无效的十六进制值",
    "Escaped character is not a Unicode scalar value": "转义字符不是有效的 Unicode 字符",
}
_TOML_PATTERNS_ZH = ((re.compile(r"Cannot declare (.+) twice"), r"\1 重复声明"),
                     (re.compile(r"Duplicate inline table key (.+)"), r"内联表的键 \1 重复"),
                     (re.compile(r"Cannot (?:mutate immutable|redefine) namespace (.+)"), r"不能重新定义表 \1"),
                     (re.compile(r"(?:Illegal|Found invalid) character (.+)"), r"无效字符 \1"),
                     (re.compile(r"Expected ('.*'|\".*\")"), r"此处应为 \1"))
_TOML_WHERE = re.compile(r"^(.*?) \((?:at line (\d+), column (\d+)|(at end of document))\)$", re.S)


def _toml_error_zh(text: str) -> str:
    """tomllib's message in Chinese where it is a known one (its own words otherwise), and
    where it is ("at line 3, column 5" as 第 3 行第 5 列)."""
    found = _TOML_WHERE.match(text)
    what, where = (found[1], f"（第 {found[2]} 行第 {found[3]} 列）" if found[2] else "（位于文件末尾）") \
        if found else (text, "")
    said = _TOML_ERRORS_ZH.get(what)
    for pattern, zh in _TOML_PATTERNS_ZH:
        if said is None and pattern.fullmatch(what):
            said = pattern.sub(zh, what)
    return (said or what) + where


def decode_toml(raw: bytes, file: str, check_numbers: bool = True) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRulesetError([Problem(file, "", f"not UTF-8: {exc.reason}",
                                           zh=f"不是 UTF-8 编码：{exc.reason}")]) from None
    return parse_toml(text, file, check_numbers)


def _bad_numbers(node: Any, path: str) -> Iterator[tuple[str, str, str]]:
    """(key path, English, Chinese) of every number or text out of bounds."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _bad_numbers(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _bad_numbers(value, f"{path}[{_item_label(value, i)}]")
    elif isinstance(node, Decimal):
        problem = number_problem(node)
        if problem:
            yield path, *problem
    elif isinstance(node, int) and not isinstance(node, bool) and abs(node) >= 10**MAX_ADJUSTED:
        yield path, f"must be below 10^{MAX_ADJUSTED}", f"须小于 10^{MAX_ADJUSTED}"
    elif isinstance(node, str) and ("\x00" in node or len(node) > 10_000):
        yield path, *TEXT_PROBLEM


def _item_label(value: Any, index: int) -> str:
    """How a problem path names an array item: a block by its ``since`` or ``year``."""
    if isinstance(value, dict):
        for key in ("since", "year"):
            if isinstance(value.get(key), dt.date | int) and not isinstance(value.get(key), bool):
                return f"{key}={value[key]}"
    return str(index)


#: Why a text cannot be in a ruleset (English, Chinese).
TEXT_PROBLEM = ("a text may not hold a NUL character or be longer than 10,000 characters",
                "文本不得含 NUL 字符，也不得超过 10,000 个字符")


def number_problem(value: Decimal) -> tuple[str, str] | None:
    """Why a Decimal cannot be a ruleset number (English, Chinese), or None."""
    if not value.is_finite():
        return "must be a finite number", "须为有限数"
    if value and value.adjusted() >= MAX_ADJUSTED:
        return f"must be below 10^{MAX_ADJUSTED}", f"须小于 10^{MAX_ADJUSTED}"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES:
        return f"at most {MAX_PLACES} decimal places", f"最多 {MAX_PLACES} 位小数"
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
