"""``rulesets check``: every problem in every file of a tree at once (SPEC §2.10).

Beyond what each file's models catch: parents exist and chains end at national without
cycles, sources resolve and are unique along each chain, every tier an area names exists
in the table in force over the area's dates, every method's read sub-sections are
covered where it is in force, and the MANIFEST matches (file, version, file_sha256).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InvalidRulesetError, Problem
from .files import RulesetFile, block_end, iter_values
from .resolve import DAY, covered_ranges, periods
from .sections import TIER_TABLES, area_subsection
from .tree import RulesetTree

MANIFEST = "MANIFEST"
LEVEL_OF_PLACE = {"top": ("national",), "province": ("province",), "below": ("city", "district")}


@dataclass
class CheckReport:
    files: list[RulesetFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_manifest(root: Path) -> dict[str, tuple[str, str]] | None:
    path = root / MANIFEST
    if not path.is_file():
        return None
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version, sha = line.split("\t")
            out[name] = (version, sha)
    return out


def manifest_text(files: list[RulesetFile]) -> str:
    lines = ["# file\tversion\tfile_sha256 — written by `benefitcalc rulesets check --write-manifest`"]
    lines += [f"{f.name}\t{f.meta.version}\t{f.sha256}" for f in files]
    return "\n".join(lines) + "\n"


def check_file(path: Path) -> CheckReport:
    """A lone file: its syntax, shape, sub-sections and block order."""
    report = CheckReport()
    try:
        f = RulesetFile.load(path, str(path))
    except InvalidRulesetError as exc:
        report.problems += exc.problems
        return report
    report.files.append(f)
    report.problems += f.problems()
    report.notes.append("a single file was checked alone: parents, sources along the chain and "
                        "areas are checked when its tree is checked")
    return report


def check_tree(tree: RulesetTree, today: dt.date | None = None) -> CheckReport:
    """Every problem of every file; files are always validated in full here."""
    today = today or dt.date.today()
    tree = RulesetTree(tree.root, trust_manifest=False)
    report = CheckReport()
    try:
        paths = tree.paths
    except InvalidRulesetError as exc:
        report.problems += exc.problems
        return report
    for path in paths:
        slug = tree.slug_of_path(path)
        try:
            f = tree.file(slug)
        except InvalidRulesetError as exc:
            report.problems += exc.problems
            continue
        except Exception as exc:  # an unknown-region error for a badly named file
            report.problems.append(Problem(tree._display(path), "", str(exc)))
            continue
        place = "top" if path.parent == tree.root else "province" if path.name == "province.toml" else "below"
        if f.meta.level not in LEVEL_OF_PLACE[place]:
            report.problems.append(Problem(f.name, "meta.level", f"is {f.meta.level!r}, but the file's "
                                           f"place in the tree is for {' or '.join(LEVEL_OF_PLACE[place])}"))
        report.files.append(f)
        report.problems += f.problems()
    broken = {p.file for p in report.problems}
    chains: dict[str, list[RulesetFile]] = {}
    for f in report.files:
        try:
            chains[f.region] = tree.chain(f.region)
        except InvalidRulesetError as exc:
            report.problems += [p for p in exc.problems if p not in report.problems]
    for chain in chains.values():
        if any(f.name in broken for f in chain):
            continue  # its own problems are reported; chain checks would only echo them
        _check_sources(chain, report)
        _check_areas(chain, report, today)
    children = {f.meta.extends for f in report.files}
    for slug, chain in chains.items():
        if slug not in children and not any(f.name in broken for f in chain):
            _check_reads(chain, report, today)
    _check_manifest(tree, report)
    # the same problem reached through several chains is reported once
    report.problems = list(dict.fromkeys(report.problems))
    return report


def _check_sources(chain: list[RulesetFile], report: CheckReport) -> None:
    f = chain[0]
    for sid in f.sources:
        for parent in chain[1:]:
            if sid in parent.sources:
                report.problems.append(Problem(f.name, f"sources.{sid}",
                                               f"id also defined in {parent.name}; ids must be "
                                               "unique along the chain"))
    known = {sid for g in chain for sid in g.sources}
    for sub in f.subsections:
        for b in f.blocks(sub):
            label = f"{sub}[since={b.since}]" if hasattr(b, "since") else f"{sub}[year={b.year}]"
            ids = {("source", b.source)} | {(v.path, v.source) for v in iter_values(b) if v.source != b.source}
            ids |= {(f"items.{i.id}.source", i.source) for i in getattr(b, "items", ()) if i.source}
            for where, sid in sorted(ids):
                if sid not in known:
                    path = label if where == "source" else f"{label}.{where}"
                    report.problems.append(Problem(f.name, path,
                                                   f"unknown source id {sid!r}"))


def _horizon(chain: list[RulesetFile], today: dt.date) -> dt.date:
    latest = [b.since for g in chain for s in g.subsections for b in g.blocks(s) if hasattr(b, "since")]
    return max([today, *latest])


def _check_areas(chain: list[RulesetFile], report: CheckReport, today: dt.date) -> None:
    f = chain[0]
    horizon = _horizon(chain, today)
    for scheme, (table, column) in TIER_TABLES.items():
        blocks = f.blocks(area_subsection(scheme))
        for i, area in enumerate(blocks):
            end = block_end(blocks, i) or horizon
            label = f"area[since={area.since}]"
            for p in periods(chain, table, area.since, end):
                tiers = getattr(p.source.block, column, None) if p.source else None
                if tiers is None:
                    report.problems.append(Problem(f.name, label, f"no {scheme} tier table ({table}."
                                                   f"{column}) is in force from {p.start} to {p.end}"))
                    continue
                for district, d in area.districts.items():
                    if d.tier not in tiers:
                        report.problems.append(Problem(
                            f.name, f"{label}.districts.{district}",
                            f"tier {d.tier!r} is not in {table}.{column} of {p.source.file.name} "
                            f"(since {p.source.block.since}; tiers: {', '.join(tiers)})"))


def _check_reads(chain: list[RulesetFile], report: CheckReport, today: dt.date) -> None:
    """Where a method is in force for a leaf region, what it reads must be covered."""
    region = chain[0].region
    horizon = _horizon(chain, today)
    subs = {s for g in chain for s in g.subsections}
    for sub in sorted(subs):
        spans = covered_ranges(chain, sub)
        if not spans:
            continue
        for p in periods(chain, sub, spans[0][0], horizon):
            if p.source and "round" in type(p.source.block).model_fields and p.source.block.round is None \
                    and all(g.defaults is None for g in chain):
                report.problems.append(Problem(
                    p.source.file.name, f"{sub}[since={p.source.block.since}].round",
                    f"gives no rounding and no file of {region}'s chain has a [defaults] round"))
            reads = getattr(p.source.block, "READS", ()) if p.source else ()
            for read in reads:
                cover = [q for q in periods(chain, read, p.start, p.end) if q.status != "missing"]
                where = f"{sub}[since={p.source.block.since}]"
                if not cover:
                    report.problems.append(Problem(
                        p.source.file.name, f"{where}.method",
                        f"{p.source.block.method} reads {read}, which {region} does not cover "
                        f"from {p.start} to {p.end}"))
                else:
                    gaps = [q for q in periods(chain, read, p.start, p.end) if q.status == "missing"]
                    for q in gaps:
                        report.notes.append(f"{region}: {sub} ({p.source.block.method}) reads {read}, "
                                            f"not covered from {q.start} to {q.end} (a known gap)")


def _check_manifest(tree: RulesetTree, report: CheckReport) -> None:
    manifest = read_manifest(tree.root)
    if manifest is None:
        report.notes.append(f"no {MANIFEST} in {tree.root}: versions and hashes not compared")
        return
    fix = "run `benefitcalc rulesets check --write-manifest` after bumping the version"
    names = set()
    for f in report.files:
        names.add(f.name)
        entry = manifest.get(f.name)
        if entry is None:
            report.problems.append(Problem(MANIFEST, f.name, f"no entry for this file; {fix}"))
        elif entry[1] != f.sha256:
            if entry[0] == f.meta.version:
                report.problems.append(Problem(f.name, "meta.version", f"the file changed but its "
                                               f"version is still {entry[0]!r}: bump meta.version, then run "
                                               "`benefitcalc rulesets check --write-manifest`"))
            else:
                report.problems.append(Problem(MANIFEST, f.name, f"records version {entry[0]!r}; "
                                               f"the file is now {f.meta.version!r}: {fix}"))
    for name in sorted(set(manifest) - names):
        if not (tree.root / name).is_file():
            report.problems.append(Problem(MANIFEST, name, "lists a file that does not exist"))


__all__ = ["CheckReport", "check_file", "check_tree", "manifest_text", "read_manifest", "DAY"]
