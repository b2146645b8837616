"""`rulesets check` and `rulesets coverage` on a tree with many blocks: both sweep each
chain once, so their time grows with the number of blocks, not its square.

Writes a synthetic tree (a national file, a province with N dated minimum-wage blocks, one
a day, and a city with an area block) writes its MANIFEST, then times a full check and a coverage of the city:

    python benchmarks/check_scale.py [--blocks 12000 3000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from benefitcalc.rules.check import check_tree, write_manifest
from benefitcalc.rules.tree import RulesetTree
from benefitcalc.services.coverage import coverage

META = """[meta]
region = "{region}"
level = "{level}"
name = {{ zh = "{zh}", en = "{region}" }}
{extends}version = "1"
published = 2025-01-01
verified_through = 2025-12-31
"""


def write_tree(root: Path, blocks: int) -> None:
    start = dt.date(1990, 1, 1)
    (root / "prov").mkdir(parents=True)
    (root / "national.toml").write_text(
        META.format(region="national", level="national", zh="全国", extends="")
        + '\n[sources.s]\ntitle = "t"\n\n[defaults]\nround = { unit = "0.01", mode = "half_up" }\n',
        encoding="utf-8")
    rows = [f'[[minimum_wage]]\nsince = {start + dt.timedelta(days=i)}\nsource = "s"\n'
            f'monthly = {{ "一类" = {1000 + i % 7} }}\n' for i in range(blocks)]
    head = META.format(region="prov", level="province", zh="某省", extends='extends = "national"\n')
    (root / "prov" / "province.toml").write_text(head + "\n" + "\n".join(rows), encoding="utf-8")
    (root / "prov" / "city.toml").write_text(
        META.format(region="city", level="city", zh="某市", extends='extends = "prov"\n')
        + '\n[[area]]\nscheme = "minimum_wage"\nsince = 1990-01-01\nsource = "s"\ncore = ["甲区"]\n'
          'districts = { "甲区" = "一类" }\n', encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, nargs="+", default=[3000, 12000])
    args = parser.parse_args()
    for n in args.blocks:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "rulesets"
            write_tree(root, n)
            write_manifest(root)  # so that check compares versions and hashes, as on a real tree
            size = (root / "prov" / "province.toml").stat().st_size
            start = time.perf_counter()
            report = check_tree(root)
            checked = time.perf_counter()
            coverage(RulesetTree(root), "city", dt.date(1990, 1, 1), dt.date(2025, 12, 31))
            covered = time.perf_counter()
            problems = [p for p in report.problems if p.kind == "invalid"]
            print(f"{n} blocks ({size // 1024} KiB): check {checked - start:.2f} s "
                  f"({len(problems)} problems), coverage {covered - checked:.2f} s")


if __name__ == "__main__":
    main()
