"""Cold start-up of one calculation against a minimal Typer app (the issue's yardstick).

Runs, in pairs and alternating, a fresh process of

    benefitcalc unemployment --region nanchang --as-of 2024-06-01 --contribution-months 80 --json

and a fresh process of a minimal Typer app, in the same environment, that prints one JSON
line; prints the median wall time of each and their ratio. Run it with the interpreter of
the environment where benefitcalc is installed (non-editable, so that bytecode is
compiled at install time, as the README installs it):

    python benchmarks/startup.py [--runs 41]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MINIMAL = '''import json
import typer

app = typer.Typer()


@app.command()
def main() -> None:
    print(json.dumps({"ok": True}))


app()
'''

CALCULATION = ["unemployment", "--region", "nanchang", "--as-of", "2024-06-01",
               "--contribution-months", "80", "--json"]


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=41, help="pairs of runs (default 41)")
    parser.add_argument("--limit", type=float, default=1.25, help="the ratio to stay under")
    args = parser.parse_args()
    exe = shutil.which("benefitcalc", path=str(Path(sys.executable).parent)) or shutil.which("benefitcalc")
    if exe is None:
        sys.exit("benefitcalc is not installed in this environment")
    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp) / "minimal_typer_app.py"
        minimal.write_text(MINIMAL, encoding="utf-8")
        ours_cmd, base_cmd = [exe, *CALCULATION], [sys.executable, str(minimal)]
        for cmd in (ours_cmd, base_cmd):  # warm the file cache; not counted
            wall(cmd)
        ours, base = [], []
        for _ in range(args.runs):
            ours.append(wall(ours_cmd))
            base.append(wall(base_cmd))
    m_ours, m_base = statistics.median(ours), statistics.median(base)
    ratio = m_ours / m_base
    print(f"benefitcalc unemployment … --json: median {m_ours * 1000:.1f} ms over {args.runs} runs")
    print(f"minimal Typer app (one JSON line): median {m_base * 1000:.1f} ms over {args.runs} runs")
    print(f"ratio {ratio:.3f} (limit {args.limit})")
    return 0 if ratio <= args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
