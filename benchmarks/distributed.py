"""``batch`` on one machine against ``batch --engine dask`` and ``--engine spark`` on mixed
cases (every benefit and city, as benchmarks/batch.py builds them), with 1 and 2 workers
(Dask worker processes, Spark local cores), and where one core's time goes:

    python benchmarks/distributed.py [--cases 1000000] [--shards 40] [--profile 20000] [--verify]

It writes the cases once as one JSON Lines file (for the single-machine run) and as
``--shards`` shards of the same lines (for the engines), runs each configuration as the
installed ``benefitcalc`` command, and prints wall time, cases per second and the speed-up
from 1 to 2 workers; the fixed cost of each engine (start-up, a run of 100 cases) is timed
apart, so that the rate after start-up can be extrapolated. ``--verify`` checks that every
engine's shards, concatenated, are byte for byte the single-machine output (the mixed cases
all give results, so no ``line`` differs). Each output is deleted after it is checked (a
million results without steps are about 4 GB of JSON Lines). Run it where benefitcalc is
installed with the extras: ``pip install '.[dask,spark,parquet]'``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch import cases  # noqa: E402 - the same mixed cases as benchmarks/batch.py


def write_cases(folder: Path, n: int, shards: int) -> tuple[Path, Path]:
    """``folder/cases.jsonl`` and ``folder/shards/part-NNNNN.jsonl``: the same n lines."""
    whole, parts = folder / "cases.jsonl", folder / "shards"
    parts.mkdir()
    size = -(-n // shards)
    with whole.open("w", encoding="utf-8") as out:
        shard = None
        for i, case in enumerate(islice(cycle(cases()), n)):
            if i % size == 0:
                if shard:
                    shard.close()
                shard = (parts / f"part-{i // size:05}.jsonl").open("w", encoding="utf-8")
            line = json.dumps({**case, "id": i}, ensure_ascii=False) + "\n"
            out.write(line)
            assert shard is not None
            shard.write(line)
        if shard:
            shard.close()
    return whole, parts


def timed(*args: str) -> float:
    """Wall time of one ``benefitcalc`` command (exit 0 expected: every case gives a result)."""
    start = time.perf_counter()
    done = subprocess.run(["benefitcalc", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"benefitcalc {' '.join(args)}: exit {done.returncode}\n{done.stderr[-2000:]}")
    return seconds


def digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        with path.open("rb") as f:
            while block := f.read(1 << 22):
                h.update(block)
    return h.hexdigest()


def profile(n: int) -> dict[str, float]:
    """Seconds per case on one core, by phase, as batch spends them: parsing (JSON text →
    object), validation (the case model), calculation (rules, result; steps left out, as
    batch leaves them), encoding the JSON line (``Engine.json_line``), and the Parquet row
    (the result's JSON-ready form and its row) instead of the JSON line."""
    from benefitcalc import benefits
    from benefitcalc.engine import Engine
    from benefitcalc.models import decode_json
    from benefitcalc.services import batch as runner

    texts = [json.dumps({**c, "id": i}, ensure_ascii=False) for i, c in enumerate(islice(cycle(cases()), n))]
    engine = Engine()
    for text in texts[:500]:  # warm the caches, as a worker does on its first shard
        engine.json_line(engine.calculate(decode_json(text), steps=False))
    spent: dict[str, float] = {}

    def phase(name: str, work, items):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        out = [work(x) for x in items]
        spent[name] = (time.perf_counter() - start) / n
        return out

    data = phase("parse", decode_json, texts)
    models = phase("validate", benefits.parse_case, data)
    found = phase("calculate", lambda m: engine.calculate(m, steps=False), models)
    phase("encode", engine.json_line, found)
    try:
        import io

        start = time.perf_counter()
        rows = ((i, r.to_json(steps=False)) for i, r in enumerate(found, 1))
        runner.write_parquet(rows, io.BytesIO(), runner.Summary())
        spent["parquet"] = (time.perf_counter() - start) / n
    except runner.MissingExtraError:
        pass
    return spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--shards", type=int, default=40)
    parser.add_argument("--profile", type=int, default=20_000, help="cases for the per-phase profile (0: none)")
    parser.add_argument("--verify", action="store_true", help="check each engine's output against the single run")
    parser.add_argument("--only", nargs="*", default=None, help="configurations to run (local dask1 dask2 spark1 "
                                                                "spark2)")
    args = parser.parse_args()
    n = args.cases
    print(f"{n:,} mixed cases in {args.shards} shards, {os.cpu_count()} cores, Python "
          f"{sys.version.split()[0]}", flush=True)
    if args.profile:
        spent = profile(args.profile)
        total = sum(v for k, v in spent.items() if k != "parquet")
        print(f"one core, per case ({args.profile:,} cases): " + ", ".join(
            f"{k} {v * 1e6:.0f} µs ({v / total:.0%})" if k != "parquet" else f"[Parquet row instead of "
            f"the JSON line: {v * 1e6:.0f} µs]" for k, v in spent.items())
            + f"; total {total * 1e6:.0f} µs", flush=True)
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        folder = Path(tmp)
        whole, parts = write_cases(folder, n, args.shards)
        (folder / "tiny").mkdir()
        tiny_whole, tiny_parts = write_cases(folder / "tiny", 100, 1)
        configs = {"local": ["batch", str(whole), "-o"], "dask1": ["batch", str(parts), "--engine", "dask", "--jobs",
                                                                    "1", "-o"],
                   "dask2": ["batch", str(parts), "--engine", "dask", "--jobs", "2", "-o"],
                   "spark1": ["batch", str(parts), "--engine", "spark", "--jobs", "1", "-o"],
                   "spark2": ["batch", str(parts), "--engine", "spark", "--jobs", "2", "-o"]}
        chosen = args.only or list(configs)
        reference = None
        times: dict[str, float] = {}
        for name in chosen:
            out = folder / f"out-{name}"
            target = str(out / "all.jsonl") if name == "local" else str(out)
            out.mkdir(exist_ok=True)
            times[name] = timed(*configs[name], target)
            produced = [Path(target)] if name == "local" else sorted(out.glob("*.jsonl"))
            check = ""
            if args.verify:
                found = digest(produced)
                reference = reference or (found if name == "local" else None)
                check = "" if reference is None else ("; output identical" if found == reference else
                                                      "; OUTPUT DIFFERS")
            shutil.rmtree(out)
            small = folder / f"tiny-{name}"
            small.mkdir()
            tiny = [str(tiny_whole if name == "local" else tiny_parts) if a in (str(whole), str(parts)) else a
                    for a in configs[name]]
            fixed = timed(*tiny, str(small / "all.jsonl") if name == "local" else str(small))
            shutil.rmtree(small)
            overhead = f"; fixed cost (100 cases) {fixed:.1f} s, after it {n / (times[name] - fixed):,.0f} cases/s"
            load = os.getloadavg()[0]
            print(f"  {name:7} {times[name]:8.1f} s  {n / times[name]:8,.0f} cases/s{overhead}{check} "
                  f"(load average {load:.1f})", flush=True)
        for engine in ("dask", "spark"):
            if f"{engine}1" in times and f"{engine}2" in times:
                print(f"  {engine}: 1 → 2 workers {times[f'{engine}1'] / times[f'{engine}2']:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
