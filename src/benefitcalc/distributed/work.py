"""What every worker of a distributed run does, whichever engine schedules it: build one
``Engine`` per worker (per thread of a worker) and keep it, answer each case as the
single-machine ``batch`` does, and read, compute and write one shard in one streaming pass.

The rulesets are pinned by the driver (``Rulesets.pin``): a folder every worker can read, or
``None`` for the files shipped inside the installed package (whatever
``$BENEFITCALC_RULESETS`` a worker has), with a fingerprint of the benefitcalc version and of
every file's ``file_sha256``. A worker checks the fingerprint when it builds its engine and
refuses to compute under other rules, so every result carries the driver's hashes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from ..engine import Engine
from ..errors import InvalidRulesetError, Problem
from ..rules.tree import build_seal, shipped_rulesets_dir
from ..services import batch as runner
from ..services.calculate import open_binary
from ..version import version

#: cases computed per call of the single-machine ``compute`` (bounds a partition's buffering)
STEP = 500


@dataclass(frozen=True)
class Rulesets:
    """The rulesets a run uses: ``root`` (an absolute folder every worker can read, or None:
    the package's own files) and the fingerprint the driver computed from them."""

    root: str | None
    fingerprint: str

    @classmethod
    def pin(cls, rulesets_dir: Path | str | None = None) -> Rulesets:
        """Load (and so validate) the tree on the driver and fingerprint it."""
        root = None if rulesets_dir is None else str(Path(rulesets_dir).resolve())
        return cls(root, fingerprint(build(root)))

    def where(self) -> str:
        return self.root or "the rulesets shipped in the package"


def build(root: str | None) -> Engine:
    """An engine on ``root``, or on the package's own files when ``root`` is None (sealed as
    the single-machine default is, but never from ``$BENEFITCALC_RULESETS``)."""
    if root is None:
        return Engine(shipped_rulesets_dir(), seal=build_seal() or "")
    return Engine(root)


def fingerprint(engine: Engine) -> str:
    """sha256 over the benefitcalc version and every file's region, version and ``file_sha256``."""
    files = sorted((f.region, f.meta.version, f.file_sha256) for f in engine.tree.all_files())
    return hashlib.sha256(json.dumps([version(), files]).encode()).hexdigest()


_local = threading.local()
#: engines this process has built (a test reads it on each worker)
BUILT = {"engines": 0}


def engine_for(rulesets: Rulesets) -> Engine:
    """This worker's engine for ``rulesets``: built and checked on first use, then kept for
    every later partition this thread computes (an engine is never pickled)."""
    cache: dict[Rulesets, Engine] = _local.__dict__.setdefault("engines", {})
    engine = cache.get(rulesets)
    if engine is None:
        engine = build(rulesets.root)
        if fingerprint(engine) != rulesets.fingerprint:
            raise InvalidRulesetError([Problem(
                rulesets.where(), "",
                f"the rulesets or the benefitcalc version ({version()}) on worker {os.uname().nodename} differ "
                "from the driver's: install the same benefitcalc on every worker, or give a --rulesets-dir "
                "every worker can read",
                zh=f"工作节点 {os.uname().nodename} 上的规则集或 benefitcalc 版本（{version()}）与驱动端不同："
                   "请在每个节点安装相同的 benefitcalc，或给出每个节点都能读取的 --rulesets-dir")])
        cache[rulesets] = engine
        BUILT["engines"] += 1
    return engine


def as_item(record: Any, position: int) -> runner.Item:
    """A case record as a batch item: an ``Item`` as it is; JSON text (str or bytes) or a
    mapping at its 1-based ``position`` in the partition (a mapping's ``line`` key, when an
    int, is taken as its line and removed)."""
    if isinstance(record, runner.Item):
        return record
    if isinstance(record, str):
        return runner.Item(position, record)
    if isinstance(record, bytes):
        try:
            return runner.Item(position, record.decode("utf-8"))
        except UnicodeDecodeError:
            return runner.Item(position, None, problem="invalid JSON: the line is not UTF-8",
                               problem_zh="JSON 格式错误：该行不是 UTF-8 编码")
    if isinstance(record, Mapping):
        case = dict(record)
        line = case.pop("line", None)
        return runner.Item(line if isinstance(line, int) and not isinstance(line, bool) else position, None, case=case)
    kind = type(record).__name__
    return runner.Item(position, None, problem=f"not a case: a {kind}, not a JSON object or JSON text",
                       problem_zh=f"不是案例：{kind}，不是 JSON 对象或 JSON 文本")


@contextlib.contextmanager
def sigint_ignored(when: bool = True) -> Iterator[None]:
    """Start a local cluster's processes with Ctrl-C ignored (a terminal sends it to the whole
    process group): this process takes it and stops them, so no worker prints a traceback."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if when else None
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def items(records: Iterable[Any]) -> Iterator[runner.Item]:
    """Records as the single-machine batch's items (blank text gives nothing, as a blank line)."""
    return (as_item(r, n) for n, r in enumerate(records, 1) if not isinstance(r, str | bytes) or r.strip())


def answers(engine: Engine, records: Iterable[Any], steps: bool = False) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each record's line and its result or error object, in order, exactly as the
    single-machine ``batch`` computes them; streamed ``STEP`` cases at a time."""
    for part in runner.chunks(items(records), STEP):
        yield from runner.compute(engine, part, steps)


def encoded(engine: Engine, records: Iterable[Any], steps: bool = False) -> Iterator[runner.Chunk]:
    """``answers`` as JSON Lines, ``STEP`` cases a chunk (``runner.encode``)."""
    for part in runner.chunks(items(records), STEP):
        yield runner.encode(engine, part, steps)


def read_shard(path: str, fmt: str) -> Iterator[runner.Item]:
    """A shard's non-blank lines (or rows) as items, numbered as the single-machine batch numbers them."""
    with open_binary(path) as stream:
        yield from runner.READERS[fmt](stream)


@dataclass(frozen=True)
class ShardJob:
    """One input shard, its format, and the output shard it becomes."""

    source: str
    input_format: str
    target: str
    output_format: str


def write_shard(found: Iterable[tuple[int, dict[str, Any]]] | Iterable[runner.Chunk], target: str,
                fmt: str) -> dict[str, Any]:
    """Write a shard's answers (JSON Lines: encoded chunks) under a temporary name renamed at
    the end (a retried task rewrites it whole: no duplicate, no partial shard); what it counted."""
    summary = runner.Summary()
    out = runner.AtomicFile(Path(target), binary=fmt in ("parquet", "jsonl"))
    try:
        if fmt == "jsonl":
            runner.write_chunks(cast("Iterable[runner.Chunk]", found), out.file, summary)
        else:
            runner.write(cast("Iterable[tuple[int, dict[str, Any]]]", found), out.file, fmt, summary)
    except BaseException:
        out.discard()
        raise
    out.commit()
    return summary.counts()


def run_shard(job: ShardJob, rulesets: Rulesets, steps: bool = False) -> dict[str, Any]:
    """Read, compute and write one shard in one streaming pass, with this worker's engine."""
    engine = engine_for(rulesets)
    records = read_shard(job.source, job.input_format)
    found = encoded(engine, records, steps) if job.output_format == "jsonl" else answers(engine, records, steps)
    return write_shard(found, job.target, job.output_format)
