"""Cases on Dask (``pip install 'benefitcalc[dask]'``).

::

    from benefitcalc.distributed import dask as bc
    answers = bc.results("cases/*.jsonl")            # or a bag of JSON lines, dicts or Items
    answers.filter(lambda a: "error" in a[1]).count().compute()

``results`` maps each partition of a bag of cases to a partition of ``(line, answer)`` pairs:
the answer is the result or error object the single-machine ``batch`` writes for that line,
in the partition's order. Each worker thread builds one engine on first use and keeps it
(``work.engine_for``): nothing heavy is pickled, nothing is rebuilt per case. ``read_shards``
makes one partition per shard, numbered by physical line (row, for Parquet) as ``batch``
numbers them. ``run`` is what ``benefitcalc batch --engine dask`` does: one task per shard
that reads, computes and writes it in one streaming pass, retried by the scheduler when it
fails; only each shard's counts travel back.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..errors import InvalidInputError
from ..services import batch as runner
from . import work
from .shards import find
from .work import Rulesets, ShardJob

if TYPE_CHECKING:
    from dask.bag import Bag
    from distributed import Client

EXTRA = ("--engine dask", "dask")


def require() -> None:
    """Raise ``MissingExtraError`` unless dask and distributed are installed."""
    _bag()


def _bag() -> Any:
    runner.require("distributed", EXTRA[1], EXTRA[0])
    return runner.require("dask.bag", EXTRA[1], EXTRA[0])


def read_shards(source: str | Sequence[str], input_format: str | None = None) -> Bag:
    """A bag of ``Item`` with one partition per shard (a folder, a glob or a list of paths)."""
    db = _bag()
    paths = find(source) if isinstance(source, str) else [os.path.abspath(p) for p in source]
    pairs = [(p, runner.format_of(p, input_format)) for p in paths]
    return db.from_sequence(pairs, npartitions=len(pairs)).map_partitions(_read)


def _read(pairs: Iterable[tuple[str, str]]) -> list[runner.Item]:
    return [item for path, fmt in pairs for item in work.read_shard(path, fmt)]


def results(cases: Bag | str | Sequence[str], *, rulesets_dir: Path | str | None = None,
            rulesets: Rulesets | None = None, steps: bool = False, input_format: str | None = None) -> Bag:
    """A bag of ``(line, answer)`` for a bag of cases (``Item``, JSON text, or case dicts, a
    dict's int ``line`` key taken as its line), or for the shards a folder or glob names."""
    bag = read_shards(cases, input_format) if isinstance(cases, str | Sequence) else cases
    pinned = rulesets or Rulesets.pin(rulesets_dir)
    return bag.map_partitions(_answers, pinned, steps)


def _answers(records: Iterable[Any], rulesets: Rulesets, steps: bool) -> list[tuple[int, dict[str, Any]]]:
    return list(work.answers(work.engine_for(rulesets), records, steps))


def run(jobs: Sequence[ShardJob], rulesets: Rulesets, client: Client, *, steps: bool = False, retries: int = 3,
        progress: IO[str] | None = None) -> list[dict[str, Any]]:
    """Read, compute and write every shard, one task each, retried up to ``retries`` times;
    each shard's counts. ``progress``: where Dask's own progress bar is drawn."""
    db = _bag()
    tasks = db.from_sequence(list(jobs), npartitions=len(jobs)).map(work.run_shard, rulesets, steps)
    future = client.compute(tasks, retries=retries)
    if progress is not None:
        from distributed import progress as bar

        with contextlib.redirect_stdout(progress):  # the text bar writes to stdout
            bar(future)
        progress.write("\n")
    counts: list[dict[str, Any]] = future.result()
    return counts


@contextlib.contextmanager
def connect(address: str | None, workers: int | None = None) -> Iterator[Client]:
    """A client of the scheduler at ``address``, or of a local cluster of ``workers``
    single-threaded worker processes (default: the machine's cores), closed at the end."""
    _bag()
    from distributed import Client, LocalCluster

    if address:
        try:
            client = Client(address)
        except (OSError, TimeoutError) as exc:  # not an output failure: the cluster is not there
            raise InvalidInputError(f"--scheduler {address}: cannot reach the Dask scheduler ({exc})",
                                    field="scheduler",
                                    zh=f"--scheduler {address}：无法连接 Dask 调度器（{exc}）") from None
        with client:
            yield client
        return
    with work.sigint_ignored():  # closing the cluster stops the workers
        cluster = LocalCluster(n_workers=workers or runner.default_jobs(), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.CRITICAL)
    with cluster, Client(cluster) as client:
        yield client
