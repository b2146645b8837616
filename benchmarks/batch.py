"""``batch`` against the floor of a plain ``json.loads``/``json.dumps`` loop over the same
file, on mixed cases (every benefit and city: the hand-computed cases that give a result and
the examples, repeated), and its peak memory for a small and a large input. It also times an
"output floor": the same loop writing, for each line, an answer of the contract's size
(batch's own answers, cycled), which no calculation can go below:

    python benchmarks/batch.py [--cases 100000] [--memory 3000 300000] [--million]

Run it where benefitcalc is installed non-editable (as the Quick start does).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def cases() -> list[dict]:
    out = []
    for path in sorted((HERE / "tests" / "cases").glob("*.json")):
        out += [c["input"] for c in json.loads(path.read_text(encoding="utf-8")) if "error" not in c["expected"]]
    out += [json.loads(p.read_text(encoding="utf-8")) for p in sorted((HERE / "examples").glob("*.json"))
            if not p.name.endswith("-gap.json")]
    return out


def write_cases(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        for i, case in enumerate(islice(cycle(cases()), n)):
            f.write(json.dumps({**case, "id": i}, ensure_ascii=False) + "\n")


def floor(path: Path, out: Path) -> float:
    """Read, parse, serialise and write every line: the least any JSON Lines tool does."""
    start = time.perf_counter()
    with path.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            dst.write(json.dumps(json.loads(line), ensure_ascii=False) + "\n")
    return time.perf_counter() - start


def output_floor(path: Path, out: Path, answers: list[dict]) -> float:
    """Read and parse every line, and serialise and write an answer of the contract's size:
    what any tool that writes these results does, with no calculation at all (the answers are
    batch's own, made beforehand and cycled)."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    start = time.perf_counter()
    with path.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for answer, line in zip(cycle(answers), src):
            json.loads(line)
            dst.write(dumps(answer) + "\n")
    return time.perf_counter() - start


def batch(path: Path, out: Path, *extra: str) -> tuple[float, int]:
    """Wall time of `benefitcalc batch`, and the peak resident memory (KiB) of its largest process."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
             "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    cmd = [sys.executable, "-c", probe, "benefitcalc", "batch", str(path), "-o", str(out), *extra]
    seconds, rss = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split()
    return float(seconds), int(rss)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--memory", type=int, nargs=2, default=[3_000, 300_000])
    parser.add_argument("--million", action="store_true", help="also time 1,000,000 cases with the default jobs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "cases.jsonl", Path(tmp) / "out.jsonl"
        write_cases(src, args.cases)
        base = floor(src, out)
        jobs_default, _ = batch(src, out)
        with out.open(encoding="utf-8") as f:
            answers = [json.loads(line) for line in islice(f, len(cases()))]
        sizes = src.stat().st_size, out.stat().st_size
        least = output_floor(src, out, answers)
        jobs_one, _ = batch(src, out, "--jobs", "1")
        print(f"{args.cases} mixed cases ({os.cpu_count()} cores):")
        print(f"  floor (json.loads/json.dumps loop): {base:.2f} s")
        print(f"  output floor (json.loads each line, json.dumps an answer, no calculation): {least:.2f} s = "
              f"{least / base:.1f}× the floor; the output is {sizes[1] / sizes[0]:.1f}× the input "
              f"({sizes[1] / args.cases:,.0f} bytes a line)")
        print(f"  batch, default jobs: {jobs_default:.2f} s = {jobs_default / base:.1f}× the floor, "
              f"{args.cases / jobs_default:,.0f} cases/s")
        print(f"  batch --jobs 1: {jobs_one:.2f} s = {jobs_one / base:.1f}× the floor, "
              f"{jobs_one / args.cases * 1e6:.0f} µs per case")
        small, large = args.memory
        peaks = []
        for n in (small, large):
            write_cases(src, n)
            peaks.append(batch(src, out, "--jobs", "1")[1])
        print(f"  peak memory, --jobs 1: {small} cases {peaks[0] / 1024:.0f} MiB, {large} cases "
              f"{peaks[1] / 1024:.0f} MiB ({peaks[1] / peaks[0]:.2f}×)")
        if args.million:
            write_cases(src, 1_000_000)
            seconds, _ = batch(src, out)
            print(f"  1,000,000 cases, default jobs: {seconds:.1f} s, {1_000_000 / seconds:,.0f} cases/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
