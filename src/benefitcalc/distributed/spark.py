"""Cases on Spark (``pip install 'benefitcalc[spark]'``).

::

    from benefitcalc.distributed import spark as bc
    found = bc.results(spark.read.text("cases/*.jsonl"))     # or a DataFrame of case columns, or an RDD
    found.groupBy("region").sum("amounts.monthly_benefit").show()

``results`` runs ``mapPartitions`` over the cases: each partition takes its Python worker's
engine (built on first use and kept while Spark reuses the worker, ``work.engine_for``) and
yields one row per case, in the partition's order. A DataFrame with one string column
``value`` (``spark.read.text``) is read as JSON Lines; any other DataFrame as one case per row
(a column per case field, nulls left out, an integer ``line`` column taken as the line); an
RDD may hold JSON text, dicts or ``Item`` (``read_shards``: one partition per shard, numbered
by physical line as ``batch`` numbers them).

The schema (``schema()``) follows the CSV columns of ``services/batch.py``, nested where the
CSV has dotted names, so ``amounts.monthly_benefit`` and ``error.code`` name the same thing in
Spark SQL:

=====================  ==========================================================
``line``               long: the case's line (row) in its shard or partition
``id``                 string: the case's id as text (null when it has none)
``benefit``            string (null for an error, as every result column below)
``region``             string: the region slug used
``district``           string
``as_of``              string: ISO date
``eligible``           boolean
``amounts``            struct: each benefit's amounts, money as decimal(18,2), counts
                       as long, month texts (``retirement_month``) as string;
                       null where the benefit has no such amount
``warnings``           array<string>: warning codes
``error``              struct<code, message (English), message_zh>: null for a result
``resolved_sha256``    string: the hash of the rules in force that the result used
``rulesets``           array<struct<region, level, version, file_sha256>>, national first
``benefitcalc_version`` string
``case``               string: the case as validated, as compact JSON
=====================  ==========================================================

Every value equals the single-machine JSON's (money "1800.00" is Decimal("1800.00")).
``run`` is what ``benefitcalc batch --engine spark`` does: one task per shard that reads,
computes and writes it, retried by Spark (``spark.task.maxFailures``; in local mode the
``F`` of ``local[N,F]``).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BenefitcalcError, ExitStatus, InvalidInputError, InvalidRulesetError, NoRulesetInForceError
from ..services import batch as runner
from . import work
from .shards import find
from .work import Rulesets, ShardJob

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import DataFrame, SparkSession

EXTRA = ("--engine spark", "spark")
#: attempts of a task before Spark gives up on the job (a cluster's spark.task.maxFailures;
#: local mode takes it from its master URL, local[N,F])
ATTEMPTS = 4


def require() -> None:
    """Raise ``MissingExtraError`` unless pyspark is installed."""
    _pyspark()


def _pyspark() -> Any:
    return runner.require("pyspark", EXTRA[1], EXTRA[0])


class JobFailedError(BenefitcalcError):
    """A Spark job that failed after its retries: the benefitcalc error a worker raised (its
    code and exit status), else ``job_failed`` (exit 1)."""

    code = "job_failed"
    exit_status = ExitStatus.BUG

    def __init__(self, message: str, *, zh: str | None = None, kind: type[BenefitcalcError] | None = None) -> None:
        super().__init__(message, zh=zh)
        if kind is not None:
            self.code, self.exit_status = kind.code, kind.exit_status


def amount_kinds() -> list[tuple[str, str]]:
    """Every amount column and its kind (money, int, text), in the CSV's order."""
    return [(c.removeprefix("amounts."), k) for c, k in runner.column_kinds().items() if c.startswith("amounts.")]


def schema() -> Any:
    """The ``StructType`` of ``results`` (see the module's documentation)."""
    _pyspark()
    from pyspark.sql import types as t

    kinds = {"money": t.DecimalType(18, 2), "int": t.LongType(), "text": t.StringType()}
    text = t.StringType()
    return t.StructType([
        t.StructField("line", t.LongType()), t.StructField("id", text), t.StructField("benefit", text),
        t.StructField("region", text), t.StructField("district", text), t.StructField("as_of", text),
        t.StructField("eligible", t.BooleanType()),
        t.StructField("amounts", t.StructType([t.StructField(n, kinds[k]) for n, k in amount_kinds()])),
        t.StructField("warnings", t.ArrayType(text)),
        t.StructField("error", t.StructType([t.StructField("code", text), t.StructField("message", text),
                                             t.StructField("message_zh", text)])),
        t.StructField("resolved_sha256", text),
        t.StructField("rulesets", t.ArrayType(t.StructType([t.StructField(n, text) for n in
                                                            ("region", "level", "version", "file_sha256")]))),
        t.StructField("benefitcalc_version", text), t.StructField("case", text)])


def row(line: int, answer: dict[str, Any], kinds: Sequence[tuple[str, str]]) -> tuple[Any, ...]:
    """An answer as a tuple in ``schema()``'s order."""
    ident = None if answer.get("id") is None else runner.cell_text(answer["id"])
    if "error" in answer:
        error = answer["error"]
        return (line, ident, None, None, None, None, None, None, None,
                (error["code"], error["message"]["en"], error["message"]["zh"]), None, None, None, None)
    amounts = answer["amounts"]
    values = tuple(None if amounts.get(name) is None else runner.typed(amounts[name], kind) for name, kind in kinds)
    return (line, ident, answer["benefit"], answer["region"], answer["district"], answer["as_of"],
            answer["eligible"], values, [w["code"] for w in answer["warnings"]], None, answer["resolved_sha256"],
            [(f["region"], f["level"], f["version"], f["file_sha256"]) for f in answer["rulesets"]],
            answer["benefitcalc_version"], json.dumps(answer.get("case", {}), ensure_ascii=False,
                                                      separators=(",", ":")))


def _record(record: Any) -> Any:
    """A Spark ``Row`` as JSON text (a lone ``value`` column) or a case dict; anything else as it is."""
    from pyspark.sql import Row

    if isinstance(record, Row):
        fields = list(getattr(record, "__fields__", []))
        if fields == ["value"] and isinstance(record[0], str):
            return record[0]
        return runner.parquet_value({k: v for k, v in record.asDict(recursive=True).items() if v is not None})
    return record


def _rows(rulesets: Rulesets, steps: bool, records: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
    engine = work.engine_for(rulesets)
    kinds = amount_kinds()
    for line, answer in work.answers(engine, (_record(r) for r in records), steps):
        yield row(line, answer, kinds)


def results(cases: DataFrame | RDD[Any], *, rulesets_dir: Path | str | None = None, rulesets: Rulesets | None = None,
            steps: bool = False) -> DataFrame:
    """A DataFrame of ``schema()``, one row per case, via ``mapPartitions`` (an engine per worker)."""
    _pyspark()
    from pyspark.sql import DataFrame, SparkSession

    rdd = cases.rdd if isinstance(cases, DataFrame) else cases
    pinned = rulesets or Rulesets.pin(rulesets_dir)
    spark = SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()
    return spark.createDataFrame(rdd.mapPartitions(functools.partial(_rows, pinned, steps)), schema(),
                                 verifySchema=False)


def read_shards(spark: SparkSession, source: str | Sequence[str], input_format: str | None = None) -> RDD[Any]:
    """An RDD of ``Item`` with one partition per shard (a folder, a glob or a list of paths
    every executor can read)."""
    paths = find(source) if isinstance(source, str) else [os.path.abspath(p) for p in source]
    pairs = [(p, runner.format_of(p, input_format)) for p in paths]
    return spark.sparkContext.parallelize(pairs, len(pairs)).mapPartitions(_read)


def _read(pairs: Iterable[tuple[str, str]]) -> Iterator[runner.Item]:
    for path, fmt in pairs:
        yield from work.read_shard(path, fmt)


def _run(rulesets: Rulesets, steps: bool, jobs: Iterable[ShardJob]) -> Iterator[dict[str, Any]]:
    for job in jobs:
        yield work.run_shard(job, rulesets, steps)


def run(jobs: Sequence[ShardJob], rulesets: Rulesets, spark: SparkSession, *, steps: bool = False
        ) -> list[dict[str, Any]]:
    """Read, compute and write every shard, one task each; each shard's counts."""
    sc = spark.sparkContext
    sc.setJobDescription(f"benefitcalc batch: {len(jobs)} shards")
    try:
        counts: list[dict[str, Any]] = sc.parallelize(list(jobs), len(jobs)).mapPartitions(
            functools.partial(_run, rulesets, steps)).collect()
    except Exception as exc:  # Py4JJavaError or PythonException: the job failed after its retries
        raise job_error(exc) from None
    return counts


_KNOWN = {cls.__name__: cls for cls in (InvalidInputError, InvalidRulesetError, NoRulesetInForceError)}
_RAISED = re.compile(r"benefitcalc\.errors\.(\w+): (.*)")


def job_error(exc: Exception) -> BenefitcalcError:
    """The benefitcalc error a failed Spark job raised in a worker (its message; the exit
    status of its kind), else ``JobFailedError`` with the job's last error line."""
    text = str(exc)
    found = _RAISED.findall(text)
    if found:
        name, message = found[-1]
        return JobFailedError(message.strip(), kind=_KNOWN.get(name))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    last = next((line for line in reversed(lines) if "Error" in line or "Exception" in line), lines[-1] if lines
                else type(exc).__name__)
    return JobFailedError(f"the Spark job failed: {last[:500]}", zh=f"Spark 作业失败：{last[:500]}")


@contextlib.contextmanager
def connect(master: str | None, cores: int | None = None, progress: bool = False) -> Iterator[SparkSession]:
    """The session this process already has, else a new one on ``master``, or local with
    ``cores`` threads (default: the machine's cores) and ``ATTEMPTS`` attempts per task,
    stopped at the end. ``progress``: Spark's console progress bar (on stderr)."""
    _pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:  # a session this process already has (a notebook, a test): use it as it is
        yield active
        return
    url = master or f"local[{cores or runner.default_jobs()},{ATTEMPTS}]"
    builder = (SparkSession.builder.appName("benefitcalc batch").master(url)
               .config("spark.task.maxFailures", str(ATTEMPTS))
               .config("spark.ui.showConsoleProgress", "true" if progress else "false"))
    if master is None:  # a local Spark of our own: its workers run this Python, it logs errors only
        if not os.environ.get("PYSPARK_PYTHON"):
            builder = builder.config("spark.pyspark.python", sys.executable)
        logs = Path(__file__).with_name("log4j2.properties")
        builder = builder.config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={logs.as_uri()}")
    with work.sigint_ignored(master is None):  # a local Spark's JVM and workers: stopping the session stops them
        spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("FATAL" if master is None else "ERROR")  # a failed job is one line of ours
    # py4j logs a Ctrl-C during a call with its traceback on the root logger: the exit status
    # (130) and our one line say it, so the root logger drops records while the session runs
    root = logging.getLogger()
    quiet = logging.NullHandler() if not root.handlers else None
    if quiet is not None:
        root.addHandler(quiet)
    try:
        yield spark
    finally:
        spark.stop()
        if quiet is not None:
            root.removeHandler(quiet)
