"""Cases in, results out: one case, or a stream of them (JSON Lines, an array, or one
object spread over several lines)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

from ..engine import Engine, error_result
from ..errors import BenefitcalcError, InvalidInputError
from ..models import MAX_CASE_CHARS, ErrorResult, Result, decode_json

_TOO_LONG = b"\x00too long"


def _lines(stream: IO[bytes]) -> Iterator[bytes]:
    """Lines of at most ``MAX_CASE_CHARS`` bytes; a longer line is skipped, marked."""
    while True:
        line = stream.readline(MAX_CASE_CHARS + 1)
        if not line:
            return
        if len(line) > MAX_CASE_CHARS and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of the over-long line
                line = stream.readline(1 << 16)
            yield _TOO_LONG
            continue
        yield line


def calculate_stream(engine: Engine, stream: IO[bytes]) -> Iterator[Result | ErrorResult]:
    """Every case in a byte stream, in order, streaming where it can:

    - JSON Lines (one case per line): each line is computed as it is read, and a bad line
      becomes its error object (with its line number);
    - one JSON array of cases, or one case spread over several lines: read whole (at most
      ``MAX_CASE_CHARS`` bytes), then computed.
    """
    lines = _lines(stream)
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if line == _TOO_LONG:
            yield error_result(InvalidInputError(f"invalid JSON: the line is longer than {MAX_CASE_CHARS} "
                                                 "bytes"), None, number)
            yield from engine.calculate_lines(lines, number + 1)
            return
        if line.lstrip().startswith((b"{", b"\xef\xbb\xbf{")) and _complete(line):
            yield from engine.calculate_lines([line], number)
            yield from engine.calculate_lines(lines, number + 1)
            return
        yield from _whole(engine, line, lines)
        return


def _complete(line: bytes) -> bool:
    try:
        json.loads(line.decode("utf-8", "replace").lstrip("\ufeff"))
    except ValueError:
        return False
    return True


def _whole(engine: Engine, head: bytes, rest: Iterator[bytes]) -> Iterator[Result | ErrorResult]:
    """The stream is one JSON document: an array of cases, or one case over several lines."""
    parts, size = [head], len(head)
    for line in rest:
        parts.append(line)
        size += len(line)
        if size > MAX_CASE_CHARS or line == _TOO_LONG:
            yield error_result(InvalidInputError(f"invalid JSON: longer than {MAX_CASE_CHARS} bytes"), None, None)
            return
    try:
        text = b"".join(parts).decode("utf-8")
    except UnicodeDecodeError:
        yield error_result(InvalidInputError("invalid JSON: the input is not UTF-8"), None, None)
        return
    try:
        data = decode_json(text)
    except BenefitcalcError as exc:
        yield error_result(exc, None, None)
        return
    for item in data if isinstance(data, list) else [data]:
        try:
            yield engine.calculate(item)
        except BenefitcalcError as exc:
            yield error_result(exc, item, None)
