"""Shards: the input files a distributed run reads (a folder or a glob) and the output
folder it writes, one output shard per input shard, under the input's name.

A folder means every ``*.jsonl``, ``*.json``, ``*.ndjson``, ``*.csv``, ``*.parquet`` and
``*.pq`` file directly in it; a glob (``cases/*.parquet``, ``cases/**/part-*.jsonl``) means
the files it matches. Files whose names start with ``.`` or ``_`` (temporary files, Spark's
``_SUCCESS``) are left out. Shards are taken in sorted order. ``OUT/NAME.EXT`` is the answer
to input shard ``NAME.*``; two inputs of one name are a usage error. ``_SUCCESS`` is written
into OUT once every shard is written: a folder without it is an unfinished run.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

from ..errors import InvalidInputError
from ..services import batch as runner
from .work import ShardJob

SHARD_SUFFIXES = (".jsonl", ".json", ".ndjson", ".csv", ".parquet", ".pq")
EXTENSIONS = {"jsonl": ".jsonl", "csv": ".csv", "parquet": ".parquet"}
DONE = "_SUCCESS"


def find(source: str) -> list[str]:
    """The shard files of a folder or a glob, sorted; none is invalid input."""
    if Path(source).is_dir():
        found = [str(p) for p in Path(source).iterdir() if p.is_file() and p.suffix.lower() in SHARD_SUFFIXES]
    elif glob.has_magic(source):
        found = [p for p in glob.glob(source, recursive=True) if os.path.isfile(p)]
    elif Path(source).is_file():
        found = [source]
    else:
        raise InvalidInputError(f"{source}: no such folder or file, and not a glob", field="file",
                                zh=f"{source}：没有这个文件夹或文件，也不是通配模式")
    found = sorted(p for p in found if not Path(p).name.startswith((".", "_")))
    if not found:
        raise InvalidInputError(f"no case shard in {source} (.jsonl, .csv or .parquet files)", field="file",
                                zh=f"{source} 中没有案例分片（.jsonl、.csv 或 .parquet 文件）")
    return [os.path.abspath(p) for p in found]


def plan(source: str, out: str, output_format: str, input_format: str | None = None) -> list[ShardJob]:
    """One job per input shard, its output in folder ``out`` under the input's name (the
    folder is made by ``start``, once the cluster is reached)."""
    paths = find(source)
    folder = Path(out).resolve()
    if folder.exists() and not folder.is_dir():
        raise InvalidInputError(f"{out} is a file: with --engine dask or spark, -o names a folder", field="output",
                                zh=f"{out} 是文件：使用 --engine dask 或 spark 时，-o 应为文件夹")
    jobs: dict[str, ShardJob] = {}
    for path in paths:
        target = folder / (Path(path).stem + EXTENSIONS[output_format])
        if target == Path(path):
            raise InvalidInputError(f"{path} would be overwritten by its own results: give another -o folder",
                                    field="output", zh=f"{path} 会被其自身的结果覆盖：请给出另一个 -o 文件夹")
        if str(target) in jobs:
            other = jobs[str(target)].source
            raise InvalidInputError(f"{path} and {other} would both be written to {target}: rename one",
                                    field="file", zh=f"{path} 与 {other} 都会写入 {target}：请重命名其一")
        jobs[str(target)] = ShardJob(path, runner.format_of(path, input_format), str(target), output_format)
    return list(jobs.values())


def start(out: str) -> None:
    """Make the output folder (a run that cannot reach its cluster leaves none) and remove
    the mark of an earlier run's completion."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DONE).unlink(missing_ok=True)


def finish(out: str, jobs: list[ShardJob]) -> None:
    """Mark the output folder complete, removing what attempts that failed left behind."""
    for job in jobs:
        target = Path(job.target)
        for left in target.parent.glob(f".{glob.escape(target.name)}.*.part"):
            left.unlink(missing_ok=True)
    (Path(out) / DONE).write_text("", encoding="utf-8")
