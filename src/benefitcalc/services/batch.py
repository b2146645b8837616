"""``batch``: many cases in, one output line per non-blank input line, in input order,
streaming in constant memory.

Input is JSON Lines, CSV (a header of case field names; ``true``/``false`` as booleans,
cells starting with ``[`` or ``{`` read as JSON, empty cells left out) or Parquet (a column per
case field, nulls left out; the ``line`` of a row is its 1-based row number). Output is JSON
Lines (the result or error object of each line, steps left out unless asked), CSV (flat
columns: ``line``, ``id``, ``benefit``, ``region``, ``district``, ``as_of``, ``eligible``,
``amounts.*``, ``warnings``, ``error.code``, ``error.message`` (English),
``error.message_zh``, then ``case.*``) or Parquet (the CSV's columns, typed: ``line`` int64,
``eligible`` bool, money amounts decimal128(18, 2), count amounts int64, every other column
the CSV's text, null where the CSV cell is empty — so every number is the JSON path's).
Parquet needs pyarrow (``benefitcalc[parquet]``). With ``jobs`` > 1, worker processes each
build their own engine once and take chunks of lines; at most a few chunks are in flight, so
memory does not grow with the input.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import json
import os
import signal
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import IO, Any, NamedTuple, TypeVar

from .. import benefits
from ..engine import Engine, error_result
from ..errors import BenefitcalcError, BilingualValueError, ExitStatus, InvalidInputError
from ..models import MAX_CASE_CHARS, ErrorResult, Result

T = TypeVar("T")

#: lines per chunk handed to a worker
CHUNK = 2000
#: rows per Parquet row group written
PARQUET_ROWS = 20_000
#: the input and output formats
FORMATS = ("jsonl", "csv", "parquet")


class MissingExtraError(BenefitcalcError):
    """An optional dependency that is not installed; the message names the extra that brings
    it (``pip install 'benefitcalc[parquet]'``). Exit 2: the command line asked for what
    this installation cannot do."""

    code = "missing_extra"
    exit_status = ExitStatus.USAGE

    def __init__(self, feature: str, module: str, extra: str) -> None:
        command = f"pip install 'benefitcalc[{extra}]'"
        super().__init__(f"{feature} needs the Python package {module}, which is not installed: {command}",
                         {"feature": feature, "module": module, "extra": extra},
                         zh=f"{feature} 需要 Python 包 {module}，但它没有安装：{command}")


def require(module: str, extra: str, feature: str) -> ModuleType:
    """Import an optional dependency, or raise ``MissingExtraError`` naming its extra."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(feature, module, extra) from None


def format_of(path: str, given: str | None = None) -> str:
    """A file's format: ``given``, else by its extension (``.csv``, ``.parquet``/``.pq``), else jsonl."""
    if given:
        return given
    suffix = Path(path).suffix.lower()
    return "csv" if suffix == ".csv" else "parquet" if suffix in (".parquet", ".pq") else "jsonl"


class Item(NamedTuple):
    """One non-blank input line: its 1-based physical number and its text (or, from CSV, the
    case already read, or the reason the line could not be read)."""

    line: int
    text: str | None
    case: dict[str, Any] | None = None
    problem: str | None = None
    #: the problem in Chinese
    problem_zh: str | None = None


class Chunk(NamedTuple):
    """A run of answers already written as JSON Lines (UTF-8, each line ending in a newline)
    and what the summary counts of them: for JSON Lines output a worker encodes a whole
    chunk, so only bytes cross to the writing process, which only writes them. (A list of
    lines, not one joined block: blocks of megabytes made and freed over and over grow the
    heap.)"""

    lines: list[bytes]
    counts: dict[str, Any]


class Summary:
    """What a run did: cases per benefit, eligible, errors and time."""

    def __init__(self) -> None:
        self.lines = 0
        self.errors = 0
        self.eligible = 0
        self.by_benefit: Counter[str] = Counter()
        self.error_codes: Counter[str] = Counter()
        self.started = time.perf_counter()

    def add_result(self, out: Result | ErrorResult) -> None:
        """``add`` for an answer not yet made JSON."""
        if isinstance(out, ErrorResult):
            self.count(None, False, out.code)
        else:
            self.count(out.benefit, out.eligible, None)

    def add(self, out: dict[str, Any]) -> None:
        if "error" in out:
            self.count(None, False, out["error"]["code"])
        else:
            self.count(out["benefit"], out["eligible"], None)

    def count(self, benefit: str | None, eligible: bool, code: str | None) -> None:
        """One line: a result of ``benefit``, or an error of ``code``."""
        self.lines += 1
        if code is not None:
            self.errors += 1
            self.error_codes[code] += 1
        elif benefit is not None:
            self.by_benefit[benefit] += 1
            self.eligible += bool(eligible)

    def counts(self) -> dict[str, Any]:
        """What ``add`` counted, to be merged into another summary (a distributed run's
        shards each count their own)."""
        return {"lines": self.lines, "errors": self.errors, "eligible": self.eligible,
                "by_benefit": dict(self.by_benefit), "error_codes": dict(self.error_codes)}

    def merge(self, counts: Mapping[str, Any]) -> None:
        self.lines += counts["lines"]
        self.errors += counts["errors"]
        self.eligible += counts["eligible"]
        self.by_benefit.update(counts["by_benefit"])
        self.error_codes.update(counts["error_codes"])

    def to_json(self) -> dict[str, Any]:
        seconds = time.perf_counter() - self.started
        return {"lines": self.lines, "results": self.lines - self.errors, "errors": self.errors,
                "eligible": self.eligible, "by_benefit": dict(sorted(self.by_benefit.items())),
                "error_codes": dict(sorted(self.error_codes.items())), "seconds": round(seconds, 3),
                "cases_per_second": round(self.lines / seconds) if seconds else None}


# -- reading ------------------------------------------------------------------------------------



def read_jsonl(stream: IO[bytes]) -> Iterator[Item]:
    """Non-blank lines of at most ``MAX_CASE_CHARS`` bytes, with their physical numbers."""
    number = 0
    while True:
        line = stream.readline(MAX_CASE_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_CASE_CHARS and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 16)
            yield Item(number, None, problem=f"invalid JSON: the line is longer than {MAX_CASE_CHARS} bytes",
                       problem_zh=f"JSON 格式错误：该行超过 {MAX_CASE_CHARS} 字节")
            continue
        if number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        if not line.strip():
            continue
        try:
            yield Item(number, line.decode("utf-8"))
        except UnicodeDecodeError:
            yield Item(number, None, problem="invalid JSON: the line is not UTF-8",
                       problem_zh="JSON 格式错误：该行不是 UTF-8 编码")


def read_csv(stream: IO[bytes]) -> Iterator[Item]:
    """CSV rows as cases: the header names the case fields."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None:
            return
        fields = [h.strip() for h in header]
        if not fields or any(not f for f in fields) or len(set(fields)) != len(fields):
            raise InvalidInputError("CSV: the header must name every column once (case field names)", field="header",
                                    zh="CSV：表头须列出每一列，且每列只出现一次（案例字段名）")
        for number, row in enumerate(reader, 2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(fields):
                yield Item(number, None, problem=f"CSV: {len(row)} cells for {len(fields)} columns",
                           problem_zh=f"CSV：该行有 {len(row)} 个单元格，表头有 {len(fields)} 列")
                continue
            try:
                yield Item(number, None, case={f: cell_value(v) for f, v in zip(fields, row, strict=True)
                                               if v.strip() != ""})
            except ValueError as exc:
                yield Item(number, None, problem=f"CSV: {exc}", problem_zh=f"CSV：{getattr(exc, 'zh', exc)}")
    except UnicodeDecodeError:
        raise InvalidInputError("CSV: the file is not UTF-8", field="file", zh="CSV：文件不是 UTF-8 编码") from None
    finally:
        text.detach()  # the caller owns (and closes) the byte stream


def read_parquet(stream: IO[bytes]) -> Iterator[Item]:
    """Parquet rows as cases: a column per case field, nulls left out (as CSV's empty cells);
    a row's ``line`` is its 1-based row number. Needs pyarrow."""
    pa = require("pyarrow", "parquet", "Parquet")
    pq = require("pyarrow.parquet", "parquet", "Parquet")
    source: Any = stream if stream.seekable() else pa.BufferReader(stream.read())
    try:
        rows = pq.ParquetFile(source).iter_batches(batch_size=CHUNK)
        number = 0
        for batch in rows:
            for row in batch.to_pylist():
                number += 1
                yield Item(number, None, case={k: parquet_value(v) for k, v in row.items() if v is not None})
    except (pa.ArrowException, OSError) as exc:
        raise InvalidInputError(f"Parquet: {exc}", field="file", zh=f"Parquet：{exc}") from None


def parquet_value(value: Any) -> Any:
    """A Parquet cell as a case value, as JSON would give it: a float as the Decimal of its
    shortest text, a date as ISO text, nulls inside structs left out."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: parquet_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [parquet_value(v) for v in value]
    return value


READERS: dict[str, Callable[[IO[bytes]], Iterator[Item]]] = {
    "jsonl": lambda stream: read_jsonl(stream), "csv": lambda stream: read_csv(stream),
    "parquet": lambda stream: read_parquet(stream)}


def cell_value(text: str) -> Any:
    """A CSV cell as a case value: booleans, JSON lists and objects, otherwise the text."""
    value = text.strip()
    if value in ("true", "false"):
        return value == "true"
    if value.startswith(("[", "{")):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise BilingualValueError(f"{value[:40]!r} is not valid JSON", f"{value[:40]!r} 不是有效的 JSON") from None
    return value


# -- computing ----------------------------------------------------------------------------------


def answer(engine: Engine, item: Item, steps: bool) -> Result | ErrorResult:
    """One item's result, or its error object."""
    if item.problem is not None:
        return error_result(InvalidInputError(item.problem, zh=item.problem_zh), None, item.line)
    if item.case is not None:
        try:
            return engine.calculate(item.case, steps)
        except BenefitcalcError as exc:
            return error_result(exc, item.case, item.line)
    assert item.text is not None
    found = engine.calculate_text(item.text, item.line, steps)
    if item.line == 1 and isinstance(found, ErrorResult) and item.text.lstrip().startswith("["):  # a JSON array
        found = found._replace(message=f"{found.message} ({ARRAY_HINT[1]})",
                               zh=f"{found.zh or found.message}（{ARRAY_HINT[0]}）")
    return found


#: what a JSON array given to batch is told, in Chinese and in English
ARRAY_HINT = ("batch 读取 JSON Lines：每行一个案例对象；JSON 数组请用 benefitcalc calc FILE",
              "batch reads JSON Lines, one case object a line; for a JSON array use benefitcalc calc FILE")


def compute(engine: Engine, items: Iterable[Item], steps: bool) -> list[tuple[int, dict[str, Any]]]:
    """Each item's line number and its result or error object, as JSON-ready data."""
    return [(item.line, answer(engine, item, steps).to_json(steps=steps)) for item in items]


def encode(engine: Engine, items: Iterable[Item], steps: bool) -> Chunk:
    """Items' answers as JSON Lines, byte for byte what ``write`` makes of ``compute``'s."""
    summary = Summary()
    lines = []
    for item in items:
        found = answer(engine, item, steps)
        summary.add_result(found)
        lines.append(engine.json_line(found, steps) + b"\n")
    return Chunk(lines, summary.counts())


_ENGINE: dict[str, Engine] = {}


def _start(rulesets_dir: str | None) -> None:
    # a worker leaves Ctrl-C (sent by a terminal to the whole process group) and SIGTERM
    # to the parent, which stops the workers itself: no worker prints a traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _ENGINE["engine"] = Engine(rulesets_dir)


def _compute(args: tuple[list[Item], bool]) -> list[tuple[int, dict[str, Any]]]:
    return compute(_ENGINE["engine"], *args)


def _encode(args: tuple[list[Item], bool]) -> Chunk:
    return encode(_ENGINE["engine"], *args)


def chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    part: list[Item] = []
    for item in items:
        part.append(item)
        if len(part) >= size:
            yield part
            part = []
    if part:
        yield part


def results(items: Iterable[Item], *, jobs: int = 1, steps: bool = False, rulesets_dir: Path | None = None,
            chunk: int = CHUNK) -> Iterator[tuple[int, dict[str, Any]]]:
    """Every item's answer in input order: in this process (``jobs`` 1) or in ``jobs`` worker
    processes with at most ``2 × jobs`` chunks in flight."""
    for part in _in_order(items, jobs, steps, rulesets_dir, chunk, compute, _compute):
        yield from part


def encoded(items: Iterable[Item], *, jobs: int = 1, steps: bool = False, rulesets_dir: Path | None = None,
            chunk: int = CHUNK) -> Iterator[Chunk]:
    """``results`` as JSON Lines, a chunk at a time (``encode``), in input order."""
    return _in_order(items, jobs, steps, rulesets_dir, chunk, encode, _encode)


def _in_order(items: Iterable[Item], jobs: int, steps: bool, rulesets_dir: Path | None, chunk: int,
              here: Callable[[Engine, list[Item], bool], T],
              there: Callable[[tuple[list[Item], bool]], T]) -> Iterator[T]:
    """``here`` over each chunk of items in this process (``jobs`` 1), or ``there`` in ``jobs``
    worker processes (each with its own engine), in input order, at most ``2 × jobs`` chunks
    in flight."""
    if jobs <= 1:
        engine = Engine(rulesets_dir)
        for part in chunks(items, chunk):
            yield here(engine, part, steps)
        return
    pool = ProcessPoolExecutor(jobs, initializer=_start,
                               initargs=(None if rulesets_dir is None else str(rulesets_dir),))
    try:
        pending: deque[Future[T]] = deque()
        for part in chunks(items, chunk):
            pending.append(pool.submit(there, (part, steps)))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BaseException:  # interrupted, or the reader stopped early: stop the workers, never wait for them
        stop(pool)
        raise
    pool.shutdown()


def stop(pool: ProcessPoolExecutor) -> None:
    """End a pool's workers now: one may be blocked writing a result that nobody will read,
    so waiting for it (``shutdown(wait=True)``) could hang."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


# -- writing ------------------------------------------------------------------------------------


def csv_columns() -> list[str]:
    """The flat CSV columns: fixed ones, every benefit's amounts, then every case field."""
    amounts: list[str] = []
    fields: list[str] = []
    for b in benefits.all_benefits():
        amounts += [f"amounts.{a.name}" for a in b.amounts if f"amounts.{a.name}" not in amounts]
        fields += [f"case.{f}" for f in b.case_model.model_fields if f"case.{f}" not in fields]
    return ["line", "id", "benefit", "region", "district", "as_of", "eligible", *amounts, "warnings", "error.code",
            "error.message", "error.message_zh", *fields]


def column_kinds() -> dict[str, str]:
    """The typed formats' kind of each flat column: ``int`` (``line`` and count amounts),
    ``bool`` (``eligible``), ``money`` (two-decimal amounts), else ``text`` (the CSV cell)."""
    kinds = {"line": "int", "eligible": "bool"}
    for b in benefits.all_benefits():
        for a in b.amounts:
            kinds.setdefault(f"amounts.{a.name}", {"money": "money", "count": "int"}.get(a.kind, "text"))
    return {c: kinds.get(c, "text") for c in csv_columns()}


def flat(line: int, answer: dict[str, Any]) -> dict[str, Any]:
    """An answer's flat columns (``csv_columns``) as JSON values; absent ones left out."""
    row: dict[str, Any] = {"line": line, "id": answer.get("id")}
    if "error" in answer:
        row["error.code"] = answer["error"]["code"]
        row["error.message"] = answer["error"]["message"]["en"]
        row["error.message_zh"] = answer["error"]["message"]["zh"]
    else:
        for key in ("benefit", "region", "district", "as_of", "eligible"):
            row[key] = answer.get(key)
        row.update({f"amounts.{k}": v for k, v in answer["amounts"].items()})
        row["warnings"] = ";".join(w["code"] for w in answer["warnings"])
        row.update({f"case.{k}": v for k, v in answer.get("case", {}).items()})
    return row


def csv_row(line: int, answer: dict[str, Any], columns: list[str]) -> list[str]:
    row = flat(line, answer)
    return [cell_text(row.get(c)) for c in columns]


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def write(answers: Iterable[tuple[int, dict[str, Any]]], out: IO[Any], fmt: str, summary: Summary,
          tick: Callable[[int], None] | None = None) -> None:
    """Write each answer as a JSON line, a CSV row (after a header) or a Parquet row (``out``
    then a binary file), counting it."""
    if fmt == "parquet":
        write_parquet(answers, out, summary, tick)
        return
    if fmt == "csv":
        columns = csv_columns()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for line, answer in answers:
            summary.add(answer)
            writer.writerow(csv_row(line, answer, columns))
            if tick:
                tick(1)
        return
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for _, answer in answers:
        summary.add(answer)
        out.write(dumps(answer))
        out.write("\n")
        if tick:
            tick(1)


def write_chunks(found: Iterable[Chunk], out: IO[bytes], summary: Summary,
                 tick: Callable[[int], None] | None = None) -> None:
    """Write chunks of JSON Lines (``encoded``) as they are, counting them."""
    for part in found:
        out.writelines(part.lines)
        summary.merge(part.counts)
        if tick:
            tick(part.counts["lines"])


def parquet_schema(kinds: Mapping[str, str]) -> Any:
    """The pyarrow schema of the Parquet output (see ``column_kinds``)."""
    pa = require("pyarrow", "parquet", "Parquet")
    types = {"int": pa.int64(), "bool": pa.bool_(), "money": pa.decimal128(18, 2), "text": pa.string()}
    return pa.schema([pa.field(c, types[k]) for c, k in kinds.items()])


def typed(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "money":
        return Decimal(value)
    if kind in ("int", "bool"):
        return value
    return cell_text(value)


def write_parquet(answers: Iterable[tuple[int, dict[str, Any]]], out: IO[bytes], summary: Summary,
                  tick: Callable[[int], None] | None = None) -> None:
    """Write each answer as a Parquet row (``column_kinds``), in row groups of ``PARQUET_ROWS``."""
    pa = require("pyarrow", "parquet", "Parquet")
    pq = require("pyarrow.parquet", "parquet", "Parquet")
    kinds = column_kinds()
    schema = parquet_schema(kinds)
    columns: dict[str, list[Any]] = {c: [] for c in kinds}

    def flush(writer: Any) -> None:
        writer.write_table(pa.Table.from_pydict(columns, schema=schema))
        for values in columns.values():
            values.clear()

    with pq.ParquetWriter(out, schema) as writer:
        for line, answer in answers:
            summary.add(answer)
            row = flat(line, answer)
            for c, kind in kinds.items():
                columns[c].append(typed(row.get(c), kind))
            if len(columns["line"]) >= PARQUET_ROWS:
                flush(writer)
            if tick:
                tick(1)
        if columns["line"]:
            flush(writer)


class AtomicFile:
    """A file written under a temporary name in the same folder and renamed into place only
    when ``commit`` is called: an interrupted run leaves no partial output. Text (UTF-8)
    unless ``binary``."""

    def __init__(self, path: Path, binary: bool = False) -> None:
        self.path = path
        self.temp = path.with_name(f".{path.name}.{os.getpid()}.part")
        try:
            self.file: IO[Any] = (open(self.temp, "wb") if binary  # noqa: SIM115 - closed below
                                  else open(self.temp, "w", encoding="utf-8", newline=""))
        except OSError as exc:  # named as the caller named it, not by its temporary name
            raise OSError(exc.errno, exc.strerror, str(path)) from None

    def commit(self) -> None:
        self.file.close()
        os.replace(self.temp, self.path)

    def discard(self) -> None:
        self.file.close()
        self.temp.unlink(missing_ok=True)


def default_jobs() -> int:
    return os.cpu_count() or 1


__all__ = ["FORMATS", "READERS", "AtomicFile", "Chunk", "Item", "MissingExtraError", "Summary", "answer", "cell_text",
           "column_kinds", "compute", "csv_columns", "default_jobs", "encode", "encoded", "flat", "format_of",
           "parquet_value", "read_csv", "read_jsonl", "read_parquet", "require", "results", "typed", "write",
           "write_chunks", "write_parquet"]
