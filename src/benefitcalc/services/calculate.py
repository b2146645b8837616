"""Cases in, results out: one case, or a stream of them (JSON Lines, an array, or one
object spread over several lines)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from ..engine import Engine, error_result
from ..errors import BenefitcalcError, InvalidInputError
from ..models import MAX_CASE_CHARS, ErrorResult, Result, decode_json

_TOO_LONG = b"\x00too long"


def open_engine(rulesets_dir: Path | None = None) -> Engine:
    """An engine over the rulesets at a directory (None: ``$BENEFITCALC_RULESETS`` or the shipped ones)."""
    return Engine(rulesets_dir)


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


def open_binary(path: str) -> IO[bytes]:
    """A file of cases opened for reading; one that cannot be is invalid input naming why."""
    try:
        return open(path, "rb")  # noqa: SIM115 - the caller closes it
    except IsADirectoryError:
        raise InvalidInputError(f"{path} is a folder: give a file (folders of shards are read by batch --engine "
                                "dask or spark)", field="file",
                                zh=f"{path} 是文件夹：请给出文件（分片文件夹由 batch --engine dask 或 spark 读取）",
                                ) from None
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror}", field="file",
                                zh=f"无法读取 {path}：{exc.strerror}") from None


def calculate_stream(engine: Engine, stream: IO[bytes]) -> Iterator[Result | ErrorResult]:
    """Every case in a byte stream, in order, streaming where it can:

    - JSON Lines (one case per line): each line is computed as it is read, and a bad line
      becomes its error object (with its line number) and costs only itself;
    - one JSON array of cases, or one case spread over several lines: when the first line
      opens an array, or an object it does not close, the input is read
      whole (at most ``MAX_CASE_CHARS`` bytes) and parsed as one document; if that fails, it
      is taken line by line after all.
    """
    lines = _lines(stream)
    for number, line in enumerate(lines, 1):
        if line.startswith((b"\xff\xfe", b"\xfe\xff")):  # a UTF-16 byte-order mark: the whole input is UTF-16
            yield error_result(InvalidInputError(
                "the input is UTF-16, not UTF-8: save it as UTF-8", field="file",
                zh="输入为 UTF-16 编码，不是 UTF-8：请另存为 UTF-8"), None, number)
            return
        if not line.strip():
            continue
        head = line.lstrip().removeprefix(b"\xef\xbb\xbf")
        if line != _TOO_LONG and (head.startswith(b"[") or (head.startswith(b"{") and not _complete(head))):
            yield from _document(engine, number, line, lines)
        else:
            yield from _each(engine, [line], number)
            yield from _each(engine, lines, number + 1)
        return


def _each(engine: Engine, lines: Iterable[bytes], first: int) -> Iterator[Result | ErrorResult]:
    """JSON Lines from line ``first`` on: a result or an error per non-blank line."""
    for number, line in enumerate(lines, first):
        if line == _TOO_LONG:
            yield error_result(InvalidInputError(f"invalid JSON: the line is longer than {MAX_CASE_CHARS} bytes",
                                                 zh=f"JSON 格式错误：该行超过 {MAX_CASE_CHARS} 字节"), None, number)
        else:
            yield from engine.calculate_lines([line], number)


def _complete(line: bytes) -> bool:
    try:
        json.loads(line.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return False
    return True


def _document(engine: Engine, first: int, head: bytes, rest: Iterator[bytes]) -> Iterator[Result | ErrorResult]:
    """The input from line ``first`` on, as one JSON document (an array of cases or one case
    over several lines), or — if it is not one — line by line."""
    parts, size = [head], len(head)
    for line in rest:
        parts.append(line)
        size += len(line)
        if size > MAX_CASE_CHARS or line == _TOO_LONG:  # too big to be one case: these are lines
            yield from _each(engine, parts, first)
            yield from _each(engine, rest, first + len(parts))
            return
    try:
        data = decode_json(b"".join(parts).decode("utf-8"))
    except (BenefitcalcError, UnicodeDecodeError):
        yield from _each(engine, parts, first)
        return
    for item in data if isinstance(data, list) else [data]:
        try:
            yield engine.calculate(item)
        except BenefitcalcError as exc:
            yield error_result(exc, item, None)
