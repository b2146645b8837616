"""``rulesets check``: every problem in every file of a tree at once (SPEC §2.10), and the
only way to write a MANIFEST.

Beyond what each file's models catch: file names and places, region names unique across
the tree, parents exist and chains end at national without cycles, sources resolve and
are unique along each chain, every tier an area names exists in the table in force over
the area's dates, every method's read sub-sections are covered where it is in force,
every amount has a rounding, and the MANIFEST matches (file, version, file_sha256). The
work is linear in the number of blocks: each chain's sub-sections are swept once.

Every problem has a ``kind`` (``errors.ProblemKind``); ``write_manifest`` refuses unless all
problems are of the kinds a new MANIFEST fixes.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import InvalidRulesetError, Problem, ProblemKind, UnknownRegionError
from . import manifest
from .files import RulesetFile
from .resolve import DATA_START, InForce, Period, kind_of, periods
from .sections import area_schemes, area_subsection, is_area
from .tree import SLUG, RulesetTree

LEVEL_OF_PLACE = {"top": ("national",), "province": ("province",), "below": ("city", "district")}


class Note(NamedTuple):
    """Something a check found that is not a problem (a known gap, a layout change), in
    English and Chinese."""

    en: str
    zh: str

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def to_json(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@dataclass
class CheckReport:
    files: list[RulesetFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    #: set by ``write_manifest``: the MANIFEST written (None when it was already up to date)
    written: Path | None = None
    #: set by ``write_manifest``: whether it ran (and so whether ``written`` means anything)
    wrote: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def blocking(self) -> list[Problem]:
        """The problems a new MANIFEST cannot fix."""
        return [p for p in self.problems if p.kind not in ProblemKind.FIXABLE]


def check_file(path: Path) -> CheckReport:
    """A lone file: its syntax, shape, sub-sections and block order."""
    report = CheckReport()
    try:
        f = RulesetFile.load(path, path.parent, str(path))
    except InvalidRulesetError as exc:
        report.problems += exc.problems
        return report
    report.files.append(f)
    report.notes.append(Note("a single file was checked alone: parents, sources along the chain, areas and "
                             "the MANIFEST are checked when its tree is checked",
                             "只检查了单个文件：上级文件、继承链上的来源、区域和 MANIFEST 在检查整棵规则树时才检查"))
    return report


def check_tree(root: Path, today: dt.date | None = None) -> CheckReport:
    """Every problem of every file; files are always validated in full here."""
    today = today or dt.date.today()
    tree = RulesetTree(root, seal="")
    report = CheckReport()
    failed: list[Path] = []  # files that did not load: still searched for unknown source ids
    try:
        paths = tree.paths
    except InvalidRulesetError as exc:
        report.problems += exc.problems
        return report
    for path in paths:
        name = tree.display(path)
        slug = tree.slug_of_path(path)
        if not SLUG.match(slug) or (path.parent != tree.root and not SLUG.match(path.parent.name)):
            report.problems.append(Problem(name, "", "a ruleset file's name and folder must be slugs "
                                                     "(lowercase letters and '-')",
                                           zh="规则集文件名及其所在文件夹名须为 slug（小写字母和 '-'）"))
            continue
        try:
            f = tree.file(slug)
        except InvalidRulesetError as exc:
            report.problems += exc.problems
            failed.append(path)
            continue
        except UnknownRegionError as exc:
            report.problems.append(Problem(name, "", exc.message, zh=exc.zh))
            continue
        if f.name != name:
            continue  # the slug's file is another one (already reported as a duplicate)
        place = "top" if path.parent == tree.root else "province" if path.name == "province.toml" else "below"
        if f.meta.level not in LEVEL_OF_PLACE[place]:
            report.problems.append(Problem(f.name, "meta.level", f"is {f.meta.level!r}, but the file's "
                                           f"place in the tree is for {' or '.join(LEVEL_OF_PLACE[place])}",
                                           zh=f"为 {f.meta.level!r}，但文件在目录中的位置属于 "
                                              f"{' 或 '.join(LEVEL_OF_PLACE[place])}"))
        report.files.append(f)
    report.problems += tree.identity_problems(report.files)
    broken = {p.file for p in report.problems}
    chains: dict[str, list[RulesetFile]] = {}
    for f in report.files:
        try:
            chains[f.region] = tree.chain(f.region)
        except InvalidRulesetError as exc:
            report.problems += [p for p in exc.problems if p not in report.problems]
    parents = {f.meta.extends for f in report.files}
    # a file that did not load still has its parent: its folder's province (or national), so
    # that parent is not checked as if it had no region below it (its problems are the file's)
    parents |= {p.parent.name if p.parent != tree.root and p.name != "province.toml" else "national"
                for p in failed}
    for path in failed:
        report.problems += _unknown_sources_raw(tree, path)
    for slug, chain in chains.items():
        if any(f.name in broken for f in chain):
            continue  # its own problems are reported; chain checks would only echo them
        sweeps = Sweeps(chain, today)
        _check_sources(chain, report)
        _check_areas(chain, report, sweeps)
        if slug not in parents:
            _check_reads(chain, report, sweeps)
    _check_manifest(tree, report)
    # the same problem reached through several chains is reported once
    report.problems = list(dict.fromkeys(report.problems))
    return report


def _label(sub: str, block: object) -> str:
    since = getattr(block, "since", None)
    prefix = "area" if is_area(sub) else sub
    return f"{prefix}[since={since}]" if since is not None else f"{prefix}[year={getattr(block, 'year', '?')}]"


def _check_sources(chain: list[RulesetFile], report: CheckReport) -> None:
    f = chain[0]
    for sid in f.sources:
        for parent in chain[1:]:
            if sid in parent.sources:
                report.problems.append(Problem(f.name, f"sources.{sid}", f"id also defined in {parent.name}; "
                                               "ids must be unique along the chain",
                                               zh=f"该 id 在 {parent.name} 中也有定义；继承链上的来源 id 须唯一"))
    known = {sid for g in chain for sid in g.sources}
    for sub in f.subsections:
        for i, b in enumerate(f.blocks(sub)):
            label = _label(sub, b)
            ids = {("source", b.source)} | {(v.path, v.source) for v in f.values(sub, i) if v.source != b.source}
            ids |= {(f"items.{i.id}.source", i.source) for i in getattr(b, "items", ()) if i.source}
            for where, sid in sorted(ids):
                if sid not in known:
                    path = label if where == "source" else f"{label}.{where}"
                    report.problems.append(Problem(f.name, path, f"unknown source id {sid!r}",
                                                   zh=f"未知的来源 id {sid!r}"))


def _unknown_sources_raw(tree: RulesetTree, path: Path) -> list[Problem]:
    """Unknown source ids in a file that failed validation, read from its TOML as data: so
    one check names every problem of the file, not only the first kind."""
    from .io import decode_toml, read_bytes, sha256_bytes

    name = tree.display(path)
    try:
        data = read_bytes(path, tree.root, name)
        raw = decode_toml(data, name, check_numbers=False)
    except InvalidRulesetError:
        return []  # the file's own parse problem is reported already
    out: list[Problem] = []
    entry = tree.manifest().entries.get(name)
    meta = raw.get("meta")
    version = meta.get("version") if isinstance(meta, dict) else None
    if entry is not None and entry.bytes_sha256 not in (None, sha256_bytes(data)) and version == entry.version:
        out.append(Problem(name, "meta.version", f"the file changed but its version is still {entry.version!r} "
                           f"(as in {manifest.NAME}): bump meta.version when you fix it",
                           ProblemKind.VERSION_NOT_BUMPED,
                           zh=f"文件已改变，但版本仍为 {entry.version!r}（与 {manifest.NAME} 相同）："
                              "修正时请更新 meta.version"))
    own = raw.get("sources")
    known = set(own) if isinstance(own, dict) else set()
    for slug in ("national", path.parent.name if path.parent != tree.root and path.name != "province.toml" else ""):
        if slug:
            try:
                known |= set(tree.file(slug).sources)
            except (InvalidRulesetError, UnknownRegionError):
                pass

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "source" and isinstance(value, str):
                    if value not in known:
                        out.append(Problem(name, f"{where}.source" if where else "source",
                                           f"unknown source id {value!r}", zh=f"未知的来源 id {value!r}"))
                elif not (key == "sources" and not where):
                    walk(value, f"{where}.{key}" if where else str(key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                label = next((f"{k}={value[k]}" for k in ("since", "year") if isinstance(value, dict) and k in value),
                             str(i))
                walk(value, f"{where}[{label}]")

    walk(raw, "")
    return out


class Sweeps:
    """Each sub-section of a chain cut into periods once, from the chain's first ``since``
    to its horizon (today, or its latest ``since`` if later), and reused by every check."""

    def __init__(self, chain: list[RulesetFile], today: dt.date) -> None:
        starts = [b.since for g in chain for s in g.subsections if kind_of(s) != "yearly" for b in g.blocks(s)]
        self.chain = chain
        self.first = min(starts, default=today)
        self.horizon = max([today, *starts])
        self._cache: dict[str, tuple[list[Period], list[dt.date]]] = {}
        self._years: dict[str, set[int]] = {}

    def years(self, sub: str) -> set[int]:
        """The years a yearly sub-section has at any level of the chain."""
        key = "years:" + sub
        if key not in self._years:
            self._years[key] = {b.year for g in self.chain for b in g.blocks(sub)}
        return self._years[key]

    def of(self, sub: str) -> tuple[list[Period], list[dt.date]]:
        if sub not in self._cache:
            ps = periods(self.chain, sub, self.first, self.horizon)
            self._cache[sub] = (ps, [p.start for p in ps])
        return self._cache[sub]


def _overlapping(ps: list[Period], starts: list[dt.date], start: dt.date, end: dt.date) -> list[Period]:
    """The periods of ``ps`` (sorted, contiguous) that overlap ``start``–``end``, clipped to it."""
    out = []
    i = max(bisect_right(starts, start) - 1, 0)
    while i < len(ps) and ps[i].start <= end:
        p = ps[i]
        if p.end >= start:
            out.append(p._replace(start=max(p.start, start), end=min(p.end, end)))
        i += 1
    return out


def _check_areas(chain: list[RulesetFile], report: CheckReport, sweeps: Sweeps) -> None:
    """Every tier an area names exists in the tier table in force over the same days, for
    the area and the table this chain resolves to (they may come from different levels)."""
    for scheme, (table, column) in area_schemes().items():
        areas, _ = sweeps.of(area_subsection(scheme))
        if not any(p.found for p in areas):
            continue
        tables, starts = sweeps.of(table)
        for a in areas:
            if not a.found:
                continue
            area = a.found[0]
            label = f"area[since={area.block.since}]"
            for p in _overlapping(tables, starts, a.start, a.end):
                tiers = getattr(p.source.block, column, None) if p.source else None
                if tiers is None:
                    report.problems.append(Problem(area.file.name, label, f"no {scheme} tier table ({table}."
                                                   f"{column}) is in force for {chain[0].region} from {p.start} "
                                                   f"to {p.end}",
                                                   zh=f"{chain[0].region} 在 {p.start} 至 {p.end} 期间没有有效的 "
                                                      f"{scheme} 档次表（{table}.{column}）"))
                    continue
                assert p.source is not None
                for district, d in area.block.districts.items():
                    if d.tier not in tiers:
                        other = p.source.file is not area.file
                        report.problems.append(Problem(
                            area.file.name, f"{label}.districts.{district}",
                            f"tier {d.tier!r} is not in {table}.{column} of {p.source.file.name} "
                            f"(since {p.source.block.since}; tiers: {', '.join(tiers)})"
                            + (f", which {chain[0].region} uses" if other else ""),
                            zh=f"档次 {d.tier!r} 不在 {p.source.file.name} 的 {table}.{column} 中"
                               f"（since {p.source.block.since}；档次：{'、'.join(tiers)}）"
                               + (f"，{chain[0].region} 使用的是该表" if other else "")))


def _check_reads(chain: list[RulesetFile], report: CheckReport, sweeps: Sweeps) -> None:
    """Where a block is in force for a leaf region, what its method reads must be covered,
    and an amount it rounds must have a rounding."""
    region = chain[0].region
    defaults = any(g.defaults is not None for g in chain)
    subs = sorted({s for g in chain for s in g.subsections})
    for sub in subs:
        if kind_of(sub) == "yearly":
            blocks = [(g, b) for g in chain for b in g.blocks(sub)]
            for g, b in blocks:
                _check_rounding(g, sub, b, region, defaults, report)
            continue
        for p in sweeps.of(sub)[0]:
            for found in p.found:
                block = found.block
                _check_rounding(found.file, sub, block, region, defaults, report)
                for read in getattr(block, "READS", ()):
                    if kind_of(read) == "yearly":
                        _check_yearly_read(chain, sweeps, found, sub, read, p, report)
                        continue
                    rps, starts = sweeps.of(read)
                    cover = _overlapping(rps, starts, p.start, p.end)
                    where = _label(sub, block)
                    method = getattr(block, "method", "this block")
                    if all(q.status in ("missing", "unused") and not q.found for q in cover):
                        report.problems.append(Problem(found.file.name, f"{where}.method",
                                                       f"{method} reads {read}, which {region} does not cover "
                                                       f"from {p.start} to {p.end}",
                                                       zh=f"{method} 读取 {read}，但 {region} 在 {p.start} 至 "
                                                          f"{p.end} 期间没有该子节的规则块"))
                    else:
                        for q in cover:
                            if q.status == "missing":
                                report.notes.append(Note(
                                    f"{region}: {sub} ({method}) reads {read}, not covered from {q.start} to "
                                    f"{q.end} (a known gap)",
                                    f"{region}：{sub}（{_zh_method(method)}）读取 {read}，"
                                    f"{q.start} 至 {q.end} 未覆盖（已知缺口）"))


def _check_yearly_read(chain: list[RulesetFile], sweeps: Sweeps, found: InForce, sub: str, read: str, p: Period,
                       report: CheckReport) -> None:
    """A method that reads a yearly sub-section (a year's figure, or the year before's):
    the years it lacks around the period, from the year before ``DATA_START``, are noted as
    known gaps (a calculation that needs one says so)."""
    region = chain[0].region
    years = sweeps.years(read)
    method = getattr(found.block, "method", "this block")
    first = max(p.start.year - 1, DATA_START.year - 1)
    lacking = [y for y in range(first, p.end.year + 1) if y not in years]
    if lacking:
        report.notes.append(Note(f"{region}: {sub} ({method}) reads {read}, which has no figure for "
                                 f"{_years(lacking)} (a known gap)",
                                 f"{region}：{sub}（{_zh_method(method)}）读取 {read}，"
                                 f"{_years(lacking)} 年度无数值（已知缺口）"))


def _zh_method(method: str) -> str:
    return "本规则块" if method == "this block" else method


def _years(years: list[int]) -> str:
    """2019, 2020, 2021, 2024 as "2019–2021, 2024"."""
    spans: list[list[int]] = []
    for y in years:
        if spans and spans[-1][1] == y - 1:
            spans[-1][1] = y
        else:
            spans.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def _check_rounding(file: RulesetFile, sub: str, block: object, region: str, defaults: bool,
                    report: CheckReport) -> None:
    if "round" in type(block).model_fields and block.round is None and not defaults:  # type: ignore[attr-defined]
        report.problems.append(Problem(file.name, f"{_label(sub, block)}.round",
                                       f"gives no rounding and no file of {region}'s chain has a [defaults] round",
                                       zh=f"未给出舍入规则，且 {region} 继承链上没有任何文件设置 [defaults] round"))


def _check_manifest(tree: RulesetTree, report: CheckReport) -> None:
    m = tree.manifest()
    if m.sha256 is None and all(p.kind == ProblemKind.MANIFEST_MISSING for p in m.problems):
        report.notes.append(Note(f"no {manifest.NAME} in {tree.root}: versions and hashes not compared "
                                 "(`benefitcalc rulesets check --write-manifest` writes one)",
                                 f"{tree.root} 中没有 {manifest.NAME}：未比对版本和哈希"
                                 "（`benefitcalc rulesets check --write-manifest` 可生成）"))
        return
    report.problems += m.problems
    fix = "run `benefitcalc rulesets check --write-manifest`"
    names = set()
    reference: dict[str, manifest.Entry] | None = None
    for f in report.files:
        names.add(f.name)
        entry = m.entries.get(f.name)
        if entry is not None:
            _compare(f, entry, (manifest.NAME, manifest.NAME), fix, report)
            continue
        # no usable entry (a new file, a damaged or missing line): compare with the MANIFEST
        # last committed to git, so that a repair cannot record an unbumped change
        if reference is None:
            reference = manifest.committed(tree.root)
        old = reference.get(f.name)
        if old is not None:
            _compare(f, old, (f"the committed {manifest.NAME} (git HEAD)", f"已提交的 {manifest.NAME}（git HEAD）"),
                     fix, report)
        if f.name in m.damaged or m.problems:
            if old is None:
                report.notes.append(Note(f"{f.name}: its {manifest.NAME} entry is unreadable and no committed one "
                                         "was found: --write-manifest records the file as it is now",
                                         f"{f.name}：其 {manifest.NAME} 条目无法读取，也未找到已提交的条目："
                                         "--write-manifest 将按文件现状记录"))
        else:
            report.problems.append(Problem(manifest.NAME, f.name, f"no entry for this file; {fix}",
                                           ProblemKind.MANIFEST_MISSING, zh=f"没有此文件的条目；请{_FIX_ZH}"))
    for name in sorted(set(m.entries) - names):
        if not (tree.root / name).is_file():
            report.problems.append(Problem(manifest.NAME, name, "lists a file that does not exist",
                                           ProblemKind.MANIFEST_EXTRA, zh="列出了一个不存在的文件"))


#: what repairs a MANIFEST, in Chinese (the English ``fix`` is passed along)
_FIX_ZH = "运行 `benefitcalc rulesets check --write-manifest`"


def _compare(f: RulesetFile, entry: manifest.Entry, where: tuple[str, str], fix: str, report: CheckReport) -> None:
    """One file against its MANIFEST entry (``where`` names it in English and Chinese): a
    changed file must have a new version."""
    if entry.file_sha256 != f.file_sha256:
        if entry.version == f.meta.version:
            report.problems.append(Problem(f.name, "meta.version", f"the file changed but its version is "
                                           f"still {entry.version!r} (as in {where[0]}): bump meta.version, "
                                           f"then {fix}", ProblemKind.VERSION_NOT_BUMPED,
                                           zh=f"文件内容已改变，但版本仍为 {entry.version!r}（与 {where[1]} 相同）："
                                              f"请先更新 meta.version，再{_FIX_ZH}"))
        else:
            report.problems.append(Problem(manifest.NAME, f.name, f"records version {entry.version!r}; "
                                           f"the file is now {f.meta.version!r}: {fix}", ProblemKind.MANIFEST_STALE,
                                           zh=f"记录的版本为 {entry.version!r}；文件现为 {f.meta.version!r}："
                                              f"请{_FIX_ZH}"))
    elif entry.version != f.meta.version:
        report.problems.append(Problem(manifest.NAME, f.name, f"records version {entry.version!r}; the file "
                                       f"is now {f.meta.version!r} with the same content: {fix}",
                                       ProblemKind.MANIFEST_STALE,
                                       zh=f"记录的版本为 {entry.version!r}；文件现为 {f.meta.version!r}，内容未变："
                                          f"请{_FIX_ZH}"))
    elif entry.bytes_sha256 != f.bytes_sha256:
        report.notes.append(Note(f"{f.name}: its text changed (comments or layout) but not its content; "
                                 f"{fix} to record the new bytes (until then a sealed tree validates it in full)",
                                 f"{f.name}：文本（注释或排版）改变但内容未变；请{_FIX_ZH}记录新的字节"
                                 "（在此之前该文件会被完整校验）"))


def write_manifest(root: Path, today: dt.date | None = None) -> CheckReport:
    """Check the whole tree; when every problem is one a new MANIFEST fixes, write it
    atomically from the validated files and report the tree as it now stands."""
    if not root.is_dir():
        raise InvalidRulesetError([Problem(str(root), "", "--write-manifest writes the MANIFEST of a whole "
                                                          "rulesets tree: give its directory",
                                           zh="--write-manifest 写入的是整个规则集目录的 MANIFEST：请给出该目录")])
    report = check_tree(root, today)
    if report.blocking or not report.files:
        return report
    lines = [manifest.Line(f.name, f.meta.version, f.file_sha256, f.bytes_sha256) for f in report.files]
    written = manifest.write(root, lines)
    after = check_tree(root, today) if written is not None else report
    after.written, after.wrote = written, True
    return after
