"""``rulesets list | show | check``: the regions, the rules in force on a date, and the
validation of a tree (with the one way to write its MANIFEST); the shell completion of
region and district names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..errors import InvalidInputError, NoRulesetInForceError
from ..rules.check import CheckReport, check_file, check_tree
from ..rules.check import write_manifest as write_checked_manifest
from ..rules.files import RulesetFile
from ..rules.io import plain_decimal
from ..rules.resolve import InForce, Resolved, covered_ranges, kind_of, used_sha256
from ..rules.schema import Brackets, Param
from ..rules.sections import require
from ..rules.tree import Place, Places, RulesetTree, normal
from ..rules.values import iter_values


def open_tree(rulesets_dir: Path | None = None) -> RulesetTree:
    """The rulesets tree at a directory (None: ``$BENEFITCALC_RULESETS`` or the shipped one)."""
    return RulesetTree(rulesets_dir)


def parse_date(text: str, field: str = "as_of") -> dt.date:
    """A date option (YYYY-MM-DD); anything else is ``invalid_input`` naming the option."""
    try:
        if len(text.strip()) != 10:
            raise ValueError
        return dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise InvalidInputError(f"{field}: {text!r} is not a date (YYYY-MM-DD)", field=field,
                                zh=f"{field}：{text!r} 不是日期（YYYY-MM-DD）") from None


def split_region_date(spec: str, as_of: dt.date | None) -> tuple[str, dt.date | None]:
    """``REGION@DATE`` → (region, date); a date both ways is invalid."""
    if "@" in spec:
        name, _, date = spec.rpartition("@")
        if as_of is not None:
            raise InvalidInputError("give the date as REGION@DATE or --as-of, not both", field="as_of",
                                    zh="日期用 REGION@DATE 或 --as-of 给出，不能两者都用")
        return name, parse_date(date)
    return spec, as_of


def json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Param):
        return json_value(value.value)
    if isinstance(value, BaseModel):  # fields as the file names them ("from", not from_)
        return {info.alias or name: json_value(getattr(value, name)) for name, info in type(value).model_fields.items()
                if getattr(value, name) not in (None, "")}
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [json_value(v) for v in value]
    return value


def file_ref(f: RulesetFile) -> dict[str, str]:
    return {"region": f.region, "level": f.meta.level, "version": f.meta.version, "file_sha256": f.file_sha256}


def region_summary(f: RulesetFile) -> dict[str, Any]:
    m = f.meta
    return {"region": m.region, "level": m.level, "name": {"zh": m.name.zh, "en": m.name.en},
            "admin_code": m.admin_code, "aliases": list(m.aliases), "extends": m.extends,
            "version": m.version, "published": m.published.isoformat(),
            "verified_through": m.verified_through.isoformat(), "file": f.name,
            "districts": list(Place.of(f).districts)}


def list_regions(tree: RulesetTree) -> list[dict[str, Any]]:
    """Every region with its names and its districts (the union over its area blocks, sorted)."""
    return [region_summary(f) for f in tree.all_files()]


# -- shell completion: names read from the files without validating them ---------------------


def complete_region(tree: RulesetTree, incomplete: str) -> list[tuple[str, str]]:
    """Region names that complete what was typed, with a help text: slugs (and admin codes)
    for Latin letters and digits, Chinese names for Chinese, and an address (南昌市新建区)
    once a region's Chinese name is typed in full."""
    places = tree.raw_places()
    typed = incomplete.strip()
    key = normal(typed)
    out: dict[str, str] = {}
    for p in sorted(places.by_slug.values(), key=lambda p: p.slug):
        if key.isascii():
            if p.slug.startswith(key):
                out.setdefault(p.slug, f"{p.zh} {p.en} ({p.level})")
            elif key and p.admin_code.startswith(key):
                out.setdefault(p.admin_code, f"{p.slug} {p.zh}")
            continue
        for name in dict.fromkeys(n for n in (p.zh, *p.aliases) if n):
            if name.startswith(typed):
                out.setdefault(name, f"{p.slug} ({p.level})")
            elif len(typed) > len(name) and typed.startswith(name):
                rest = typed[len(name):]
                for d in places.districts_of(p.slug):
                    if d.startswith(rest):
                        out.setdefault(name + d, f"{p.slug}, district {d}")
    return sorted(out.items())


def _places_named(places: Places, region: str) -> list[Place]:
    """The regions a (partly typed, unvalidated) region name means, forgiving as a case's
    look-up is: a name, a district alone, or an address starting with a region's name."""
    key = normal(region)
    slugs = places.named(key) or list(dict.fromkeys(p.slug for p, _ in places.owners(key)))
    if not slugs:
        slugs = [p.slug for p in places.by_slug.values() if any(key.startswith(f) for f in p.chinese())]
    return [places.by_slug[s] for s in slugs]


def complete_district(tree: RulesetTree, region: str | None, incomplete: str) -> list[tuple[str, str]]:
    """District names of a region (any region when None or not found) that start with what
    was typed, with the region they belong to as the help text."""
    places = tree.raw_places()
    typed = normal(incomplete)
    chosen = _places_named(places, region) if region and region.strip() else []
    out: dict[str, list[str]] = {}
    for p in chosen or sorted(places.by_slug.values(), key=lambda p: p.slug):
        for d in places.districts_of(p.slug):
            if normal(d).startswith(typed):
                owners = out.setdefault(d, [])
                if p.label not in owners:
                    owners.append(p.label)
    return [(d, ", ".join(owners)) for d, owners in sorted(out.items())]


_NOT_SETTINGS = {"source", "confidence", "note", "since", "until", "year", "districts"}


def _settings(block: Any) -> dict[str, Any]:
    """A block's fields that are not parameters with provenance: method, flags, rounding,
    the area's core districts, a bracket table's unit and mode."""
    out: dict[str, Any] = {}
    for name in type(block).model_fields:
        value = getattr(block, name)
        if name in _NOT_SETTINGS or value in (None, (), "", {}) or isinstance(value, Param):
            continue
        if isinstance(value, Brackets):
            out[name] = {"unit": value.unit, "mode": value.mode}
        elif isinstance(value, dict) and value and all(isinstance(v, Param) for v in value.values()):
            labels = {k: json_value(v.label) for k, v in value.items() if hasattr(v, "label")}
            if labels:  # a table of named parameters: their names here, their numbers under values
                out[name] = labels
        elif isinstance(value, tuple) and value and isinstance(value[0], BaseModel):
            out[name] = [json_value(item) for item in value]  # items: their numbers are also under values
        else:
            out[name] = json_value(value)
    return out


def describe(r: Resolved, x: InForce) -> dict[str, Any]:
    """One block as ``show`` prints it: where it lives, when it is in force, its settings
    and every value with its param path (the path a calculation's steps use)."""
    sources = {r.qualify(x.block.source, x.file)[0]}
    values = []
    for v in iter_values(x.block):
        q = r.qualify(v.source, x.file)[0]
        sources.add(q)
        values.append({"param": f"{x.subsection}.{v.path}", "value": json_value(v.value),
                       "confidence": v.confidence, "note": v.note, "source": q})
    block = x.block
    out: dict[str, Any] = {"subsection": x.subsection, "region": x.region, "level": x.level,
                           "block": x.ref().to_json()}
    if hasattr(block, "since"):
        out["in_force"] = [block.since.isoformat(), x.end.isoformat() if x.end else None]
    # status: the least certain of the block and its values, as coverage reports the block
    status = "missing" if block.unsourced_note() else x.file.status(x.subsection, x.position)
    out.update({"block_confidence": block.confidence, "status": status,
                "note": block.note, "settings": _settings(block),
                "sources": sorted(sources), "values": values})
    return out


def cited_sources(tree: RulesetTree, qualified: set[str]) -> dict[str, dict[str, str]]:
    """The source records behind qualified ids (``jiangxi:jx-ui-2024``)."""
    out = {}
    for q in sorted(qualified):
        region, _, sid = q.partition(":")
        out[q] = tree.file(region).sources[sid].record()
    return out


def show(tree: RulesetTree, name: str, as_of: dt.date) -> dict[str, Any]:
    """The rules in force for a region on a date, with level, block and sources; the
    yearly blocks of that year and the year before; uncovered sub-sections listed.

    Its ``resolved_sha256`` covers every block in force on the date and the nearest
    ``[defaults]`` (a result's covers only what the result used)."""
    where = tree.locate(name)  # a district or an address shows its region's rules, naming the district
    slug = where.slug
    r = Resolved(tree.chain(slug), as_of)
    in_force = r.in_force_all()
    described = [describe(r, x) for x in in_force]
    yearly: list[dict[str, Any]] = []
    for sub, blocks in r.yearly().items():
        asked = as_of.year - require(sub).lag  # the year before (上年度) or the date's own year
        near = [describe(r, x) for x in blocks if x.block.year == asked]
        yearly.append({"subsection": sub, "years": sorted({x.block.year for x in blocks}), "year_asked": asked,
                       "optional": require(sub).optional, "blocks": near})
    defaults = next(([f] for f in r.chain if f.defaults is not None), [])
    sources = cited_sources(tree, {q for d in described for q in d["sources"]}
                            | {q for y in yearly for d in y["blocks"] for q in d["sources"]})
    return {
        "region": slug, "name": {"zh": r.chain[0].meta.name.zh, "en": r.chain[0].meta.name.en},
        "district": where.district, "as_of": as_of.isoformat(),
        "rulesets": [file_ref(f) for f in reversed(r.chain)],
        "resolved_sha256": used_sha256(slug, in_force, defaults),
        "subsections": described,
        "yearly": yearly,
        "uncovered": [{"subsection": s, **dict(zip(("why", "why_zh"), why_uncovered(r, s), strict=True)),
                       "covered": [[a.isoformat(), b.isoformat() if b else None]
                                   for a, b in covered_ranges(r.chain, s)]}
                      for s in r.uncovered()],
        "warnings": [w.to_json() for w in r.horizon_warnings()],
        "sources": sources,
    }


def why_uncovered(r: Resolved, sub: str) -> tuple[str, str]:
    """What a calculation needing ``sub`` on the date would be told (English, Chinese)."""
    try:
        if kind_of(sub) == "additive":
            r.layers(sub)
        else:
            found = r.find(sub)
            note = found.block.unsourced_note() if found is not None else None
            if note:
                return (f"{found.region} declares it unsourced: {note}",  # type: ignore[union-attr]
                        f"{found.region} 声明该项无来源：{note}")  # type: ignore[union-attr]
            r.get(sub)
    except NoRulesetInForceError as exc:
        return exc.message, exc.zh
    return "", ""


def check(tree: RulesetTree, path: Path | None = None) -> CheckReport:
    """Check a tree (default: the one in use) or one file: every problem at once."""
    if path is not None and path.is_file():
        return check_file(path)
    return check_tree(path if path is not None else tree.root)


def write_manifest(tree: RulesetTree, path: Path | None = None) -> CheckReport:
    """Check the whole tree and, when nothing but the MANIFEST is out of date, rewrite it
    atomically (``report.written``). A single file is refused: a MANIFEST is a tree's."""
    return write_checked_manifest(path if path is not None else tree.root)
