"""Per-case time in-process: this checkout against another git revision, in one run.

Both sides compute the same cases — the hand-computed cases of ``tests/cases/*.json`` that
give a result, and the ``examples/*.json`` but the gaps, as far as the other revision knows
their benefits — in a fresh process each, from their own
source tree (``PYTHONPATH=<tree>/src``) and their own shipped rulesets, after a warm-up
pass, and print the median time per case over several rounds:

    python benchmarks/per_case.py --against e93f8ad [--rounds 7] [--repeat 40]

This side uses its library API (``Engine.calculate`` and ``Result.to_json``); a revision
from before the ``Engine`` uses ``services.calculate(tree, case)`` with one tree, as its
command line did. Run it from a git checkout (the other revision is read with
``git archive``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

MEASURE = r'''
import json, statistics, sys, time
cases = json.load(sys.stdin)
rounds, repeat = int(sys.argv[1]), int(sys.argv[2])
try:
    from benefitcalc.engine import Engine
    engine = Engine()
    def one(case):
        return engine.calculate(case).to_json()
except ImportError:  # before the Engine
    from benefitcalc import services
    from benefitcalc.rules.tree import RulesetTree
    tree = RulesetTree()
    def one(case):
        return services.calculate(tree, case)
if rounds == 0:  # probe: which cases this side computes
    ok = []
    for i, case in enumerate(cases):
        try:
            one(case)
            ok.append(i)
        except Exception:
            pass
    print(json.dumps({"ok": ok}))
    sys.exit(0)
for case in cases:  # warm-up: every model built, every file read
    one(case)
times = []
for _ in range(rounds):
    start = time.perf_counter()
    for _ in range(repeat):
        for case in cases:
            one(case)
    times.append((time.perf_counter() - start) / (repeat * len(cases)))
print(json.dumps({"median_us": statistics.median(times) * 1e6, "cases": len(cases)}))
'''


def cases() -> list[dict]:
    out = []
    for path in sorted((HERE / "tests" / "cases").glob("*.json")):
        out += [c["input"] for c in json.loads(path.read_text(encoding="utf-8")) if "error" not in c["expected"]]
    out += [json.loads(p.read_text(encoding="utf-8")) for p in sorted((HERE / "examples").glob("*.json"))
            if not p.name.endswith("-gap.json")]  # a gap example answers an error, not a result
    return out


def measure(src: Path, data: list[dict], rounds: int, repeat: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "BENEFITCALC_RULESETS"}
    env["PYTHONPATH"] = str(src)
    out = subprocess.run([sys.executable, "-c", MEASURE, str(rounds), str(repeat)], input=json.dumps(data),
                         capture_output=True, text=True, env=env, cwd=tempfile.gettempdir(), check=True)
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="e93f8ad", help="the git revision to compare with (default e93f8ad, "
                                                             "the engine before the Engine)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=40, help="passes over the cases per round")
    args = parser.parse_args()
    data = cases()
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "rev.tar"
        subprocess.run(["git", "-C", str(HERE), "archive", "--format=tar", "-o", str(archive), args.against],
                       check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(Path(tmp) / "rev", filter="data")
        # the cases both sides compute (an older revision knows fewer benefits)
        known = set(measure(Path(tmp) / "rev" / "src", data, 0, 0)["ok"])
        everything = len(data)
        data = [c for i, c in enumerate(data) if i in known]
        theirs = measure(Path(tmp) / "rev" / "src", data, args.rounds, args.repeat)
        ours = measure(HERE / "src", data, args.rounds, args.repeat)
    print(f"{len(data)} cases (of {everything}: those {args.against} computes) × {args.repeat} passes × "
          f"{args.rounds} rounds, median time per case:")
    print(f"  {args.against}: {theirs['median_us']:.0f} µs")
    print(f"  this checkout: {ours['median_us']:.0f} µs")
    print(f"  speed-up {theirs['median_us'] / ours['median_us']:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
