"""benefitcalc on a cluster: the single-machine ``batch`` over shards of cases, scheduled by
Dask (``benefitcalc.distributed.dask``, ``pip install 'benefitcalc[dask]'``) or Spark
(``benefitcalc.distributed.spark``, ``pip install 'benefitcalc[spark]'``); Parquet shards need
pyarrow (``benefitcalc[parquet]``).

Every worker builds one ``Engine`` and keeps it (``work.engine_for``), computes each case
exactly as ``batch`` does (the same result and error objects, the same ruleset hashes) and
keeps the order within a shard. The rulesets are the installed package's own files, or a
``--rulesets-dir`` every worker can read; the driver fingerprints them and a worker with
other rules or another benefitcalc version refuses to compute (``work.Rulesets``).

``run`` is ``benefitcalc batch IN -o OUT --engine dask|spark``: one task per input shard that
reads, computes and writes its output shard in one streaming pass (no shuffle: only each
shard's counts travel back), retried by the engine when it fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from ..services import batch as runner
from . import shards
from .work import Rulesets

ENGINES = ("dask", "spark")


def run(engine: str, source: str, out: str, *, output_format: str = "jsonl", input_format: str | None = None,
        rulesets_dir: Path | str | None = None, steps: bool = False, address: str | None = None,
        workers: int | None = None, progress: IO[str] | None = None) -> runner.Summary:
    """Compute every shard of ``source`` (a folder or a glob) into folder ``out`` on ``engine``
    (at ``address``: a Dask scheduler or a Spark master; else a local cluster of ``workers``
    processes or cores); the summary of the whole run. ``progress``: where the engine draws
    its own progress bar (None: no bar)."""
    from . import dask, spark

    summary = runner.Summary()
    (dask.require if engine == "dask" else spark.require)()  # a missing extra is reported before any work
    jobs = shards.plan(source, out, output_format, input_format)
    if output_format == "parquet" or any(j.input_format == "parquet" for j in jobs):
        runner.require("pyarrow", "parquet", "Parquet")
    rulesets = Rulesets.pin(rulesets_dir)
    if engine == "dask":
        with dask.connect(address, workers) as client:
            shards.start(out)
            counts = dask.run(jobs, rulesets, client, steps=steps, progress=progress)
    else:
        with spark.connect(address, workers, progress=progress is not None) as session:
            shards.start(out)
            counts = spark.run(jobs, rulesets, session, steps=steps)
    for part in counts:
        summary.merge(part)
    shards.finish(out, jobs)
    return summary


__all__ = ["ENGINES", "Rulesets", "run"]
