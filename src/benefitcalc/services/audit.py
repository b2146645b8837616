"""What auditors ask of the rulesets: what changed between two sets of rules (``diff``), what
it does to real cases (``impact``), one parameter over time (``history``), where each figure
comes from (``sources``), whether a saved result still holds (``verify``), and writing a new
dated block or a canonical file (``new_block``, ``fmt``).

A side of a diff is the rules in force for a region on a date, in a tree: ``REGION@DATE`` in
the tree in use, a tree folder or a file with the region and date given apart, or ``git:REV``
for the shipped tree at a revision of the current git checkout.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import BenefitcalcError, InvalidInputError
from ..rules.files import DAY, RulesetFile
from ..rules.io import dumps_toml
from ..rules.resolve import InForce, Resolved, kind_of
from ..rules.sections import require
from ..rules.tree import RulesetTree
from ..rules.values import iter_values
from .rulesets import json_value, split_region_date


class Side(NamedTuple):
    """One side of a comparison: a tree, a region and a date, and how it was named."""

    label: str
    tree: RulesetTree
    region: str
    as_of: dt.date


def git_tree(rev: str, cwd: Path | None = None) -> RulesetTree:
    """The ``rulesets/`` folder of a git revision of the checkout around ``cwd``, read with git."""
    if not rev or rev.startswith("-"):
        raise InvalidInputError(f"git:{rev}: not a revision", field="side", zh=f"git:{rev}：不是修订版本")
    if shutil.which("git") is None:
        raise InvalidInputError("git:REV needs git, which is not installed", field="side",
                                zh="git:REV 需要 git，但未安装 git")
    where = str(cwd or Path.cwd())
    top = subprocess.run(["git", "-C", where, "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    if top.returncode != 0:
        raise InvalidInputError(f"git:{rev}: {where} is not inside a git checkout", field="side",
                                zh=f"git:{rev}：{where} 不在 git 工作目录中")
    root = top.stdout.strip()
    folder = Path(tempfile.mkdtemp(prefix="benefitcalc-git-"))
    import atexit

    atexit.register(shutil.rmtree, folder, True)
    archive = folder / "rev.tar"
    made = subprocess.run(["git", "-C", root, "archive", "--format=tar", "-o", str(archive), rev, "rulesets"],
                          capture_output=True, text=True)
    if made.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise InvalidInputError(f"git:{rev}: {made.stderr.strip() or 'no such revision'}", field="side",
                                zh=f"git:{rev}：{made.stderr.strip() or '没有此修订版本'}")
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    return RulesetTree(folder / "rulesets")


def side(spec: str, tree: RulesetTree, region: str | None, as_of: dt.date | None) -> Side:
    """``REGION@DATE``; a tree folder or a file (with ``region`` and ``as_of``); ``git:REV``."""
    if spec.startswith("git:"):
        other = git_tree(spec[4:])
        return Side(spec, other, other.find(_need(region, "region", spec)), _need(as_of, "as_of", spec))
    path = Path(spec)
    if "@" not in spec and path.exists():
        root = path if path.is_dir() else _tree_root(path)
        other = RulesetTree(root)
        name = region or (other.slug_of_path(path) if path.is_file() else None)
        return Side(spec, other, other.find(_need(name, "region", spec)), _need(as_of, "as_of", spec))
    if "@" not in spec and ("/" in spec or spec.endswith(".toml")):
        raise InvalidInputError(f"{spec}: no such file or folder", field="side", zh=f"{spec}：文件或文件夹不存在")
    name, day = split_region_date(spec, None if "@" in spec else as_of)
    return Side(spec, tree, tree.find(name), _need(day, "as_of", spec))


def _tree_root(path: Path) -> Path:
    """The tree a ruleset file belongs to: the folder that holds ``national.toml``."""
    for parent in [path.resolve(), *path.resolve().parents]:
        if (parent / "national.toml").is_file():
            return parent
    raise InvalidInputError(f"{path}: no national.toml above it, so it is not in a rulesets tree", field="side",
                            zh=f"{path}：上级目录中没有 national.toml，不在规则库目录中")


def _need(value: Any, what: str, spec: str) -> Any:
    if value is None:
        flag = "--region" if what == "region" else "--as-of (or REGION@DATE)"
        flag_zh = "--region" if what == "region" else "--as-of（或 REGION@DATE）"
        raise InvalidInputError(f"{spec}: give {flag} to say what to compare", field=what,
                                zh=f"{spec}：请用 {flag_zh} 指明要比较的对象")
    return value


# -- the parameters in force --------------------------------------------------------------


class Entry(NamedTuple):
    """One parameter (or setting) in force on a side."""

    param: str
    subsection: str
    level: str
    region: str
    value: Any
    block: dict[str, Any]
    source: str
    confidence: str


def in_force(s: Side) -> dict[tuple[str, str], Entry]:
    """Every parameter and setting in force on the side's date, keyed by (param, level): the
    dated and additive blocks in force, and the yearly blocks of the year the date asks for."""
    r = Resolved(s.tree.chain(s.region), s.as_of)
    found: list[InForce] = list(r.in_force_all())
    for sub, blocks in r.yearly().items():
        asked = s.as_of.year - require(sub).lag
        found += [x for x in blocks if x.block.year == asked]
    out: dict[tuple[str, str], Entry] = {}
    for x in found:
        ref = x.ref().to_json()
        for v in iter_values(x.block):
            param = f"{x.subsection}.{v.path}"
            out[(param, x.level)] = Entry(param, x.subsection, x.level, x.region, json_value(v.value), ref,
                                          r.qualify(v.source, x.file)[0], v.confidence)
        source = r.qualify(x.block.source, x.file)[0]
        for name, value in settings_of(x.block).items():
            key = f"{x.subsection}.{name}"
            out[(key, x.level)] = Entry(key, x.subsection, x.level, x.region, value, ref, source, x.block.confidence)
    return out


def settings_of(block: Any) -> dict[str, Any]:
    """A block's settings (method, covered groups, flags, a declared gap …) as comparable text."""
    import json

    from .rulesets import _settings

    out = {}
    for name, value in _settings(block).items():
        if name in ("published",) or isinstance(value, dict) and set(value) <= {"unit", "mode"}:
            continue  # a bracket table's shape: its rows are values
        out[name] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return out


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if isinstance(value, str | int | Decimal) and not isinstance(value, bool) else None
    except InvalidOperation:
        return None


def diff(a: Side, b: Side) -> dict[str, Any]:
    """Every parameter added, removed or changed from ``a`` to ``b``; a change of method is
    one entry naming both (the parameters of the two methods are not listed one by one)."""
    left, right = in_force(a), in_force(b)
    switched = {e.subsection for k, e in left.items() if k[0].endswith(".method") and k in right
                and right[k].value != e.value}
    changes = []
    for key in sorted(set(left) | set(right), key=lambda k: (k[0], k[1])):
        old, new = left.get(key), right.get(key)
        sub = (old or new).subsection  # type: ignore[union-attr]
        if sub in switched and not key[0].endswith(".method"):
            continue
        if old is not None and new is not None and old.value == new.value:
            continue
        kind = "added" if old is None else "removed" if new is None else "changed"
        entry: dict[str, Any] = {"param": key[0], "subsection": sub, "level": key[1], "kind": kind,
                                 "old": None if old is None else old.value, "new": None if new is None else new.value,
                                 "change": None, "pct": None,
                                 "block": {"a": old.block if old else None, "b": new.block if new else None},
                                 "sources": {"a": old.source if old else None, "b": new.source if new else None}}
        x, y = (_number(old.value) if old else None), (_number(new.value) if new else None)
        if x is not None and y is not None:
            entry["change"] = format(y - x, "f")
            entry["pct"] = f"{(y - x) / x * 100:.2f}" if x else None
        changes.append(entry)
    return {"a": _side_json(a), "b": _side_json(b), "changes": changes}


def _side_json(s: Side) -> dict[str, str]:
    return {"spec": s.label, "region": s.region, "as_of": s.as_of.isoformat(), "tree": str(s.tree.root)}


# -- impact -------------------------------------------------------------------------------


class Where(NamedTuple):
    """What a worker needs of a side: its region and date (the tree is its own engine's)."""

    region: str
    as_of: dt.date


def compare(engines: tuple[Any, Any], a: Side | Where, b: Side | Where, case: dict[str, Any],
            number: int) -> dict[str, Any]:
    """One case under both sides (a case without ``as_of`` or ``region`` takes each side's)."""
    answers = []
    for s, engine in zip((a, b), engines, strict=True):
        one = dict(case)
        one.setdefault("as_of", s.as_of.isoformat())
        one.setdefault("region", s.region)
        try:
            answers.append(engine.calculate(one, steps=False).to_json(steps=False))
        except BenefitcalcError as exc:
            answers.append({"error": {"code": exc.code, "message": {"zh": exc.zh, "en": exc.message}}})
    ident = case.get("id", number) if isinstance(case, dict) else number
    record: dict[str, Any] = {"id": ident, "benefit": case.get("benefit"), "a": answers[0].get("amounts"),
                              "b": answers[1].get("amounts"), "change": {}}
    if "error" in answers[0] or "error" in answers[1]:
        record["valid"] = {"a": "error" not in answers[0], "b": "error" not in answers[1]}
        record["reason"] = (answers[0].get("error") or answers[1].get("error") or {}).get("message")
        return record
    for name, old in answers[0]["amounts"].items():
        x, y = _number(old), _number(answers[1]["amounts"].get(name))
        if x is not None and y is not None:
            record["change"][name] = format(y - x, "f")
    return record


def summarize(a: Side, b: Side, records: Iterable[dict[str, Any]], top: int = 5) -> dict[str, Any]:
    """Per benefit and amount: how many gain, lose or stay, the total, mean, least and greatest
    change, and the largest changes with their ids; the cases valid on one side only apart."""
    per: dict[tuple[str, str], dict[str, Any]] = {}
    apart, count = [], 0
    for record in records:
        count += 1
        if "valid" in record:
            apart.append({"id": record["id"], "reason": record["reason"], "valid": record["valid"]})
            continue
        for name, text in record["change"].items():
            delta = Decimal(text)
            stats = per.setdefault((str(record["benefit"]), name), {
                "benefit": record["benefit"], "amount": name, "cases": 0, "gain": 0, "lose": 0, "same": 0,
                "total": Decimal(0), "min": delta, "max": delta, "largest": []})
            stats["cases"] += 1
            stats["gain" if delta > 0 else "lose" if delta < 0 else "same"] += 1
            stats["total"] += delta
            stats["min"], stats["max"] = min(stats["min"], delta), max(stats["max"], delta)
            if delta:
                stats["largest"] = sorted([*stats["largest"], (abs(delta), str(record["id"]), text)],
                                          reverse=True)[:top]
    rows = []
    for stats in per.values():
        n = stats["cases"]
        rows.append({"benefit": stats["benefit"], "amount": stats["amount"], "cases": n, "gain": stats["gain"],
                     "lose": stats["lose"], "same": stats["same"], "total_change": format(stats["total"], "f"),
                     "mean_change": format((stats["total"] / n).quantize(Decimal("0.01")), "f"),
                     "min": format(stats["min"], "f"), "max": format(stats["max"], "f"),
                     "largest": [{"id": i, "change": c} for _, i, c in stats["largest"]]})
    return {"a": _side_json(a), "b": _side_json(b), "cases": count, "by_amount": rows, "not_comparable": apart}


_WORKER: dict[str, Any] = {}


def _start_worker(roots: tuple[str, str]) -> None:
    from ..engine import Engine

    _WORKER["engines"] = (Engine(roots[0]), Engine(roots[1]))


def _compare_chunk(args: tuple[Where, Where, list[tuple[int, dict[str, Any]]]]) -> list[dict[str, Any]]:
    a, b, chunk = args
    return [compare(_WORKER["engines"], a, b, case, n) for n, case in chunk]


def impact(a: Side, b: Side, cases: Iterable[dict[str, Any]], jobs: int = 1,
           chunk: int = 500) -> Iterator[dict[str, Any]]:
    """Each case's record, in input order, computed in ``jobs`` processes (each builds its
    own engines) or in this one."""
    from ..engine import Engine

    numbered = enumerate(cases, 1)
    if jobs <= 1:
        engines = (Engine(a.tree.root), Engine(b.tree.root))
        for n, case in numbered:
            yield compare(engines, a, b, case, n)
        return
    from concurrent.futures import ProcessPoolExecutor
    from itertools import islice

    where = (Where(a.region, a.as_of), Where(b.region, b.as_of))

    def chunks() -> Iterator[tuple[Where, Where, list[tuple[int, dict[str, Any]]]]]:
        while part := list(islice(numbered, chunk)):
            yield where[0], where[1], part

    with ProcessPoolExecutor(jobs, initializer=_start_worker,
                             initargs=((str(a.tree.root), str(b.tree.root)),)) as pool:
        for records in pool.map(_compare_chunk, chunks()):
            yield from records


# -- history and sources ---------------------------------------------------------------------


def history(tree: RulesetTree, region: str, param: str) -> dict[str, Any]:
    """The value of one parameter over time as a calculation would read it: for each day a
    block starts (or each year of a yearly sub-section), the value in force then, its level,
    block, source and confidence."""
    slug = tree.find(region)
    chain = tree.chain(slug)
    sub = _subsection_of(param, chain)
    rows: list[dict[str, Any]] = []
    if kind_of(sub) == "yearly":
        years = sorted({b.year for f in chain for b in f.blocks(sub)})
        for year in years:
            r = Resolved(chain, dt.date(year, 12, 31))
            rows += _rows_at(r, sub, param, [r.year(sub, year)] if r.find_year(sub, year) else [], str(year))
    else:
        starts: set[dt.date] = {b.since for f in chain for b in f.blocks(sub)}
        for f in chain:
            for i in range(len(f.blocks(sub))):
                end = f.end(sub, i)
                if end is not None:
                    starts.add(end + DAY)
        for day in sorted(starts):
            r = Resolved(chain, day)
            if kind_of(sub) == "additive":  # each level's block in force, whether or not all levels have one
                found = [InForce(sub, f, k, f.end(sub, k)) for f in reversed(chain)
                         if (k := f.in_force(sub, day)) is not None]
            else:
                found = [x] if (x := r.find(sub)) is not None else []
            rows += _rows_at(r, sub, param, found, day.isoformat())
    if all(row["value"] is None for row in rows):
        raise InvalidInputError(f"{param}: no block of {slug}'s {sub} has this parameter (see `benefitcalc rulesets "
                                f"show {slug}` for the param paths)", field="param",
                                zh=f"{param}：{slug} 的 {sub} 没有任何规则块含此参数"
                                   f"（参数路径见 `benefitcalc rulesets show {slug}`）")
    merged: list[dict[str, Any]] = []  # a day whose rows (one per level for additive) repeat the last day's is left out
    last: list[dict[str, Any]] = []
    for _, group in itertools.groupby(rows, key=lambda row: row["from"]):
        day_rows = list(group)
        same = [{k: v for k, v in row.items() if k != "from"} for row in day_rows]
        if same != last:
            merged += day_rows
        last = same
    return {"region": slug, "param": param, "subsection": sub, "timeline": merged}


def _subsection_of(param: str, chain: list[RulesetFile]) -> str:
    names = {s for f in chain for s in f.subsections}
    for name in sorted(names, key=len, reverse=True):
        if param == name or param.startswith(name + "."):
            return name
    raise InvalidInputError(f"{param}: no sub-section of this region holds it (it has: "
                            f"{', '.join(sorted(names))})", field="param",
                            zh=f"{param}：该地区没有含此参数的子节（现有：{', '.join(sorted(names))}）")


def _rows_at(r: Resolved, sub: str, param: str, found: list[InForce], when: str) -> list[dict[str, Any]]:
    rows = []
    for x in found:
        for v in iter_values(x.block):
            if f"{sub}.{v.path}" == param:
                rows.append({"from": when, "value": json_value(v.value), "level": x.level, "region": x.region,
                             "block": x.ref().to_json(), "source": r.qualify(v.source, x.file)[0],
                             "confidence": v.confidence})
    if not rows:
        rows.append({"from": when, "value": None, "level": None, "region": None, "block": None, "source": None,
                     "confidence": "missing"})
    return rows


def sources(tree: RulesetTree, region: str | None = None, ident: str | None = None) -> dict[str, Any]:
    """Every document the rulesets cite (of one region's chain, or all), with the confidence
    of the values that use it; for one id, the values that cite it."""
    files = tree.chain(tree.find(region)) if region else tree.all_files()
    out: dict[str, dict[str, Any]] = {}
    for f in files:
        for sid, src in f.sources.items():
            out[f"{f.region}:{sid}"] = {**src.record(), "values": [], "confidence": {}}
    for f in files:
        for sub in f.subsections:
            for i, block in enumerate(f.blocks(sub)):
                ref = InForce(sub, f, i).ref().to_json()
                own = _qualify(block.source, f, tree)
                if own in out and not any(v.source == block.source for v in iter_values(block)):
                    out[own]["values"].append({"param": sub, "block": ref, "value": None,
                                               "confidence": block.confidence})
                    counts = out[own]["confidence"]
                    counts[block.confidence] = counts.get(block.confidence, 0) + 1
                for v in iter_values(block):
                    q = _qualify(v.source, f, tree)
                    if q in out:
                        out[q]["values"].append({"param": f"{sub}.{v.path}", "block": ref,
                                                 "value": json_value(v.value), "confidence": v.confidence})
                        counts = out[q]["confidence"]
                        counts[v.confidence] = counts.get(v.confidence, 0) + 1
    if ident is not None:
        keys = [k for k in out if k == ident or k.split(":", 1)[1] == ident]
        if not keys:
            raise InvalidInputError(f"source {ident!r} is not cited by these rulesets", field="id",
                                    zh=f"这些规则未引用来源 {ident!r}")
        return {"sources": {k: out[k] for k in keys}}
    return {"sources": {k: {**v, "values": len(v["values"])} for k, v in sorted(out.items())}}


def _qualify(source: str, f: RulesetFile, tree: RulesetTree) -> str:
    for g in tree.chain(f.region):
        if source in g.sources:
            return f"{g.region}:{source}"
    return f"{f.region}:{source}"


# -- verify --------------------------------------------------------------------------------


def verify(results: Iterable[dict[str, Any]], tree: RulesetTree) -> Iterator[dict[str, Any]]:
    """Recompute each saved result from its echoed case; report whether the amounts and
    ``resolved_sha256`` still match, and where they do not, the parameters the result used
    whose value is now different."""
    from ..engine import Engine
    from ..errors import InvalidRulesetError

    engine = Engine(tree.root)
    count = 0
    for number, saved in enumerate(results, 1):
        count += 1
        ident = saved.get("id", number) if isinstance(saved, dict) else number
        if not isinstance(saved, dict) or "amounts" not in saved:
            kind = "an error object" if isinstance(saved, dict) and "error" in saved else "not a result"
            yield {"id": ident, "match": False, "reason": f"{kind}: nothing to verify"}
            continue
        case = saved.get("case")
        if not case:
            yield {"id": ident, "match": False, "reason": "the result echoes no case (saved before results did)"}
            continue
        try:
            now = engine.calculate(case).to_json()
        except InvalidRulesetError:
            raise  # the rulesets are broken: not this result's fault
        except BenefitcalcError as exc:
            yield {"id": ident, "match": False, "reason": f"{exc.code}: {exc.message}"}
            continue
        same_amounts = now["amounts"] == saved.get("amounts")
        same_rules = now["resolved_sha256"] == saved.get("resolved_sha256")
        record: dict[str, Any] = {"id": ident, "match": same_amounts and same_rules, "amounts_match": same_amounts,
                                  "rules_match": same_rules}
        if not record["match"]:
            record["amounts"] = {"saved": saved.get("amounts"), "now": now["amounts"]}
            record["changed"] = _changed_params(saved, now)
            if not record["changed"] and not same_rules:
                record["reason"] = "no parameter the result used changed: a default (such as rounding) or a " \
                                   "block's other field did"
        yield record
    if count == 0:
        raise InvalidInputError("no result to verify", field="file", zh="没有可核验的结果")


def _changed_params(saved: dict[str, Any], now: dict[str, Any]) -> list[dict[str, Any]]:
    before = {s["param"]: s["value"] for s in saved.get("steps", []) if s.get("param")}
    after = {s["param"]: s["value"] for s in now.get("steps", []) if s.get("param")}
    out = []
    for param in sorted(set(before) | set(after)):
        if before.get(param) != after.get(param):
            out.append({"param": param, "saved": before.get(param), "now": after.get(param)})
    return out


# -- writing files -------------------------------------------------------------------------


def writable(root: Path) -> None:
    """Refuse to edit the copy shipped inside the installed package (a checkout's is fine)."""
    package = Path(__file__).resolve().parent.parent
    if root.resolve().is_relative_to(package):
        raise InvalidInputError(f"{root} is the copy inside the installed package: edit a copy of the rulesets and "
                                "give it with --rulesets-dir PATH (or a path)", field="rulesets_dir",
                                zh=f"{root} 是已安装软件包内的副本：请复制一份规则库后编辑，"
                                   "并用 --rulesets-dir PATH（或路径）指定")


def new_block(tree: RulesetTree, region: str, sub: str, since: dt.date) -> Path:
    """Copy the block of ``sub`` in force at the region's own level on ``since`` into a new
    block from ``since`` (the old one closed the day before), and write the file canonically."""
    writable(tree.root)
    slug = tree.find(region)
    f = tree.file(slug)
    if sub not in f.subsections:
        raise InvalidInputError(f"{slug}'s file has no {sub} blocks (it has: {', '.join(f.subsections)})",
                                field="subsection",
                                zh=f"{slug} 的文件中没有 {sub} 规则块（现有：{', '.join(f.subsections)}）")
    if kind_of(sub) == "yearly":
        raise InvalidInputError(f"{sub} is yearly: add a block of the new year instead", field="subsection",
                                zh=f"{sub} 按年度设置：请改为新增新年度的规则块")
    i = f.in_force(sub, since)
    if i is None:
        raise InvalidInputError(f"{slug} has no {sub} block of its own in force on {since} to copy", field="since",
                                zh=f"{slug} 本级在 {since} 没有有效的 {sub} 规则块可供复制")
    old = f.blocks(sub)[i]
    if old.since == since:
        raise InvalidInputError(f"a {sub} block already starts on {since}", field="since",
                                zh=f"已有 {sub} 规则块自 {since} 起施行")
    doc = f.document()
    blocks = _blocks_in(doc, sub)
    position = next(n for n, b in enumerate(blocks) if b.get("since") == old.since and
                    (not sub.startswith("area.") or b.get("scheme") == sub.split(".", 1)[1]))
    copy = dict(blocks[position])
    copy["since"] = since
    if old.until is not None and old.until >= since:
        copy["until"] = old.until
    else:
        copy.pop("until", None)
    blocks[position]["until"] = since - DAY
    blocks.insert(position + 1, copy)
    path = tree.path_for(slug)
    assert path is not None
    path.write_text(dumps_toml(doc), encoding="utf-8")
    return path


def _blocks_in(doc: dict[str, Any], sub: str) -> list[dict[str, Any]]:
    """The list of a sub-section's blocks inside ``doc`` (the list itself, to edit in place)."""
    if sub.startswith("area."):
        return doc.setdefault("area", [])
    head, _, tail = sub.partition(".")
    blocks = doc[head][tail] if tail else doc[sub]
    return blocks


def canonical_text(f: RulesetFile) -> str:
    """A file as ``fmt`` writes it: its validated data in canonical TOML (comments are not kept)."""
    return dumps_toml(f.document())


def fmt(paths: list[Path], check: bool) -> list[Path]:
    """Rewrite each file canonically (``check``: only list those that would change)."""
    changed = []
    files = [p for path in paths for p in (sorted(path.rglob("*.toml")) if path.is_dir() else [path])]
    for path in files:
        tree = RulesetTree(_tree_root(path))
        if not check:
            writable(tree.root)
        f = tree.file(tree.slug_of_path(path))
        text = canonical_text(f)
        if path.read_text(encoding="utf-8") != text:
            changed.append(path)
            if not check:
                path.write_text(text, encoding="utf-8")
    return changed


__all__ = ["Side", "compare", "diff", "fmt", "history", "impact", "in_force", "new_block", "side", "sources",
           "summarize", "verify"]


def read_objects(path: str) -> Iterator[dict[str, Any]]:
    """JSON objects from a file (or ``-``): one object, a JSON array, JSON Lines, or CSV (by the
    ``.csv`` extension: a header of field names; ``true``/``false`` as booleans, empty cells
    left out)."""
    import csv
    import io
    import sys

    from ..models import decode_json

    text = sys.stdin.read() if path == "-" else _read(path)
    text = text.removeprefix("\ufeff")
    if path.endswith(".csv"):
        for row in csv.DictReader(io.StringIO(text)):
            yield {k: {"true": True, "false": False}.get(v, v) for k, v in row.items() if k and v not in ("", None)}
        return
    stripped = text.strip()
    if not stripped:
        raise InvalidInputError(f"{path}: empty", field="file", zh=f"{path}：内容为空")
    if stripped.startswith("["):
        data = decode_json(stripped)
        yield from (x for x in data if isinstance(x, dict))
        return
    try:
        one = decode_json(stripped)
    except InvalidInputError:
        one = None
    if isinstance(one, dict):
        yield one
        return
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                value = decode_json(line)
            except InvalidInputError as exc:
                raise InvalidInputError(f"{path} line {number}: {exc.message}", field="file",
                                        zh=f"{path} 第 {number} 行：{exc.zh}") from None
            if isinstance(value, dict):
                yield value


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror}", field="file",
                                zh=f"无法读取 {path}：{exc.strerror}") from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path} is not UTF-8 text", field="file", zh=f"{path} 不是 UTF-8 文本") from None
