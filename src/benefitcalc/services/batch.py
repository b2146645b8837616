"""``batch``: many cases in, one output line per non-blank input line, in input order,
streaming in constant memory.

Input is JSON Lines or CSV (a header of case field names; ``true``/``false`` as booleans,
cells starting with ``[`` or ``{`` read as JSON, empty cells left out). Output is JSON Lines
(the result or error object of each line, steps left out unless asked) or CSV (flat columns:
``line``, ``id``, ``benefit``, ``region``, ``district``, ``as_of``, ``eligible``, ``amounts.*``,
``warnings``, ``error.code``, ``error.message`` (English), ``error.message_zh``, then
``case.*``). With ``jobs`` > 1, worker processes each build their own engine once and take
chunks of lines; at most a few chunks are in flight, so memory does not grow with the input.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import IO, Any, NamedTuple

from .. import benefits
from ..engine import Engine, error_result
from ..errors import BenefitcalcError, BilingualValueError, InvalidInputError
from ..models import MAX_CASE_CHARS, ErrorResult, Result

#: lines per chunk handed to a worker
CHUNK = 2000


class Item(NamedTuple):
    """One non-blank input line: its 1-based physical number and its text (or, from CSV, the
    case already read, or the reason the line could not be read)."""

    line: int
    text: str | None
    case: dict[str, Any] | None = None
    problem: str | None = None
    #: the problem in Chinese
    problem_zh: str | None = None


class Summary:
    """What a run did: cases per benefit, eligible, errors and time."""

    def __init__(self) -> None:
        self.lines = 0
        self.errors = 0
        self.eligible = 0
        self.by_benefit: Counter[str] = Counter()
        self.error_codes: Counter[str] = Counter()
        self.started = time.perf_counter()

    def add(self, out: dict[str, Any]) -> None:
        self.lines += 1
        if "error" in out:
            self.errors += 1
            self.error_codes[out["error"]["code"]] += 1
        else:
            self.by_benefit[out["benefit"]] += 1
            self.eligible += bool(out["eligible"])

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


def compute(engine: Engine, items: Iterable[Item], steps: bool) -> list[tuple[int, dict[str, Any]]]:
    """Each item's line number and its result or error object, as JSON-ready data."""
    out = []
    for item in items:
        result: Result | ErrorResult
        if item.problem is not None:
            result = error_result(InvalidInputError(item.problem, zh=item.problem_zh), None, item.line)
        elif item.case is not None:
            try:
                result = engine.calculate(item.case)
            except BenefitcalcError as exc:
                result = error_result(exc, item.case, item.line)
        else:
            assert item.text is not None
            result = engine.calculate_text(item.text, item.line)
        out.append((item.line, result.to_json(steps=steps)))
    return out


_ENGINE: dict[str, Engine] = {}


def _start(rulesets_dir: str | None) -> None:
    _ENGINE["engine"] = Engine(rulesets_dir)


def _work(args: tuple[list[Item], bool]) -> list[tuple[int, dict[str, Any]]]:
    items, steps = args
    return compute(_ENGINE["engine"], items, steps)


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
    if jobs <= 1:
        engine = Engine(rulesets_dir)
        for part in chunks(items, chunk):
            yield from compute(engine, part, steps)
        return
    with ProcessPoolExecutor(jobs, initializer=_start,
                             initargs=(None if rulesets_dir is None else str(rulesets_dir),)) as pool:
        pending: deque[Future[list[tuple[int, dict[str, Any]]]]] = deque()
        for part in chunks(items, chunk):
            pending.append(pool.submit(_work, (part, steps)))
            if len(pending) >= 2 * jobs:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


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


def csv_row(line: int, answer: dict[str, Any], columns: list[str]) -> list[str]:
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
    return [_cell(row.get(c)) for c in columns]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def write(answers: Iterable[tuple[int, dict[str, Any]]], out: IO[str], fmt: str, summary: Summary,
          tick: Callable[[], None] | None = None) -> None:
    """Write each answer as a JSON line or a CSV row (after a header), counting it."""
    if fmt == "csv":
        columns = csv_columns()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for line, answer in answers:
            summary.add(answer)
            writer.writerow(csv_row(line, answer, columns))
            if tick:
                tick()
        return
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for _, answer in answers:
        summary.add(answer)
        out.write(dumps(answer))
        out.write("\n")
        if tick:
            tick()


class AtomicFile:
    """A text file written under a temporary name in the same folder and renamed into place
    only when ``commit`` is called: an interrupted run leaves no partial output."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.temp = path.with_name(f".{path.name}.{os.getpid()}.part")
        self.file: IO[str] = open(self.temp, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below

    def commit(self) -> None:
        self.file.close()
        os.replace(self.temp, self.path)

    def discard(self) -> None:
        self.file.close()
        self.temp.unlink(missing_ok=True)


def default_jobs() -> int:
    return os.cpu_count() or 1


__all__ = ["AtomicFile", "Item", "Summary", "csv_columns", "default_jobs", "read_csv", "read_jsonl", "results",
           "write"]
