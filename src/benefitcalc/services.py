"""Use cases behind the command line; importable from Python. No printing, no typer, no rich.

Each function takes already-parsed arguments and returns JSON-ready data (or raises a
``BenefitcalcError``); ``cli.py`` renders it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import InvalidInputError
from .rules.files import RulesetFile, iter_values
from .rules.io import plain_decimal
from .rules.resolve import InForce, Period, Resolved, covered_ranges, is_yearly, periods, resolve
from .rules.schema import Brackets, Param, Rounding, shallow
from .rules.sections import TIER_TABLES, is_area
from .rules.tree import RulesetTree

#: Coverage is reported from this day on (the rulesets' data starts in 2018).
COVERAGE_START = dt.date(2018, 1, 1)


def parse_date(text: str, field: str = "as_of") -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise InvalidInputError(f"{field}: {text!r} is not a date (YYYY-MM-DD)", field=field) from None


def split_region_date(spec: str, as_of: dt.date | None) -> tuple[str, dt.date | None]:
    """``REGION@DATE`` → (region, date); a date both ways is a usage error."""
    if "@" in spec:
        name, _, date = spec.rpartition("@")
        if as_of is not None:
            raise InvalidInputError("give the date as REGION@DATE or --as-of, not both", field="as_of")
        return name, parse_date(date)
    return spec, as_of


def json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def file_ref(f: RulesetFile) -> dict[str, str]:
    return {"region": f.region, "level": f.meta.level, "version": f.meta.version,
            "file_sha256": f.sha256}


def region_summary(f: RulesetFile) -> dict[str, Any]:
    m = f.meta
    return {"region": m.region, "level": m.level, "name": shallow(m.name),
            "admin_code": m.admin_code, "aliases": list(m.aliases), "extends": m.extends,
            "version": m.version, "published": m.published.isoformat(),
            "verified_through": m.verified_through.isoformat(), "file": f.name}


def cited_sources(tree: RulesetTree, qualified: Any) -> dict[str, dict[str, Any]]:
    """The source records behind qualified ids (``jiangxi:jx-ui-2024``), empty fields left out."""
    out = {}
    for q in sorted(qualified):
        region, _, sid = q.partition(":")
        record = shallow(tree.file(region).sources[sid])
        out[q] = {k: json_value(v) for k, v in record.items() if v not in ("", None)}
    return out


def list_regions(tree: RulesetTree) -> list[dict[str, Any]]:
    return [region_summary(f) for f in tree.all_files()]


def _settings(block: Any) -> dict[str, Any]:
    skip = {"source", "confidence", "note", "since", "until", "core", "districts", "unsourced"}
    out: dict[str, Any] = {}
    for name in type(block).model_fields:
        value = getattr(block, name)
        if name in skip or isinstance(value, Param | Brackets | dict | tuple) or value is None:
            continue
        out[name] = ({"unit": json_value(value.unit), "mode": value.mode} if isinstance(value, Rounding)
                     else json_value(value))
    if hasattr(block, "core"):
        out["core"] = list(block.core)
        if block.unsourced:
            out["unsourced"] = list(block.unsourced)
    if isinstance(getattr(block, "schedule", None), Brackets):
        out["schedule"] = {"unit": block.schedule.unit, "mode": block.schedule.mode}
    return out


def describe_in_force(r: Resolved, x: InForce) -> dict[str, Any]:
    sources = {r.qualify(x.block.source, x.file)[0]}
    values = []
    for v in iter_values(x.block):
        q = r.qualify(v.source, x.file)[0]
        sources.add(q)
        values.append({"param": f"{x.subsection}.{v.path}", "value": json_value(v.value),
                       "confidence": v.confidence, "note": v.note, "source": q})
    return {"subsection": x.subsection, "region": x.region, "level": x.level,
            "block": {k: json_value(v) for k, v in x.block_ref().items()},
            "in_force": [x.block.since.isoformat(), x.end.isoformat() if x.end else None],
            "block_confidence": x.block.confidence, "note": x.block.note,
            "settings": _settings(x.block), "sources": sorted(sources), "values": values}


def show(tree: RulesetTree, name: str, as_of: dt.date) -> dict[str, Any]:
    """The rules in force for a region on a date, with level, block and sources; uncovered listed."""
    slug = tree.find(name)
    r = resolve(tree, slug, as_of)
    described = [describe_in_force(r, x) for x in r.in_force_all()]
    sources = cited_sources(tree, {q for d in described for q in d["sources"]})
    yearly = [{"subsection": s, "years": sorted({b.year for f in r.chain for b in f.blocks(s)})}
              for s in r.subsections if is_yearly(s)]
    return {
        "region": slug, "name": shallow(r.chain[0].meta.name), "as_of": as_of.isoformat(),
        "rulesets": [file_ref(f) for f in reversed(r.chain)],
        "resolved_sha256": r.sha256,
        "subsections": described,
        "yearly": yearly,
        "uncovered": [{"subsection": s, "covered": [[a.isoformat(), b.isoformat() if b else None]
                                                     for a, b in covered_ranges(r.chain, s)]}
                      for s in r.uncovered()],
        "warnings": [w.to_json() for w in r.horizon_warnings()],
        "sources": sources,
    }


def coverage(tree: RulesetTree, name: str | None = None, start: dt.date = COVERAGE_START,
             end: dt.date | None = None) -> dict[str, Any]:
    """Region × sub-section × period → confirmed / derived / unconfirmed / missing."""
    end = end or dt.date.today()
    files = tree.all_files()
    slugs = [tree.find(name)] if name else [f.region for f in files]
    regions = []
    counted: set[str] = set()
    summary = {"values": 0, "confirmed": 0, "derived": 0, "unconfirmed": 0, "missing_periods": 0}
    for slug in slugs:
        chain = tree.chain(slug)
        sections = []
        for sub in Resolved(chain, end).subsections:
            if is_yearly(sub):
                years = sorted({b.year for f in chain for b in f.blocks(sub)})
                sections.append({"section": sub, "years": years})
                continue
            ps = periods(chain, sub, start, end)
            if is_area(sub):
                ps = _mark_unused(chain, sub, ps)
            missing = [[p.start.isoformat(), p.end.isoformat()] for p in ps if p.status == "missing"]
            covered = [[p.start.isoformat(), p.end.isoformat()] for p in ps
                       if p.status not in ("missing", "unused")]
            summary["missing_periods"] += len(missing)
            sections.append({"section": sub, "covered": _merge(covered), "missing": missing,
                             "periods": [p.to_json() for p in ps]})
        regions.append({"region": slug, "sections": sections})
        for f in chain:
            if f.name in counted:
                continue
            counted.add(f.name)
            for sub in f.subsections:
                for b in f.blocks(sub):
                    for v in iter_values(b):
                        summary["values"] += 1
                        summary[v.confidence] += 1
    summary["confirmed_share"] = (f"{Decimal(summary['confirmed']) / summary['values']:.3f}"
                                  if summary["values"] else "0")
    return {"from": start.isoformat(), "to": end.isoformat(), "regions": regions, "summary": summary}


def _mark_unused(chain: list[RulesetFile], sub: str, ps: list[Period]) -> list[Period]:
    """An area scheme is needed only while its tier table is in force (Jiangxi's flat
    unemployment areas end with the flat amounts): elsewhere its periods are "unused"."""
    table, column = TIER_TABLES[sub.split(".", 1)[1]]
    out: list[Period] = []
    for p in ps:
        for q in periods(chain, table, p.start, p.end):
            used = q.source is not None and getattr(q.source.block, column, None) is not None
            status = p.status if used else "unused"
            start, stop = max(p.start, q.start), min(p.end, q.end)
            if out and out[-1].status == status and out[-1].source is p.source:
                out[-1] = Period(out[-1].start, stop, status, p.source)
            else:
                out.append(Period(start, stop, status, p.source if used else None))
    return out


def _merge(spans: list[list[str]]) -> list[list[str]]:
    out: list[list[str]] = []
    for a, b in spans:
        if out and dt.date.fromisoformat(out[-1][1]) + dt.timedelta(days=1) == dt.date.fromisoformat(a):
            out[-1][1] = b
        else:
            out.append([a, b])
    return out


def check(tree: RulesetTree, path: Path | None = None) -> Any:
    """Check a tree (or one file): a ``CheckReport`` with every problem."""
    from .rules.check import check_file, check_tree

    if path is not None and path.is_file():
        return check_file(path)
    return check_tree(RulesetTree(path) if path is not None else tree)


def write_manifest(tree: RulesetTree) -> Path:
    from .rules.check import manifest_text

    files = tree.all_files()
    target = tree.root / "MANIFEST"
    target.write_text(manifest_text(files), encoding="utf-8")
    return target


def ruleset_schema() -> dict[str, Any]:
    """A JSON Schema of a ruleset file, generated from the models."""
    from pydantic import TypeAdapter

    from .rules.schema import AreaBlock, Meta, Source
    from .rules.sections import SUBSECTIONS

    def schema_of(model: Any) -> dict[str, Any]:
        return TypeAdapter(model).json_schema(by_alias=True)

    properties: dict[str, Any] = {"meta": schema_of(Meta),
                                  "sources": {"type": "object", "additionalProperties": schema_of(Source)},
                                  "area": {"type": "array", "items": schema_of(AreaBlock)}}
    for name, spec in SUBSECTIONS.items():
        target = properties
        head, _, tail = name.partition(".")
        if tail:
            group = properties.setdefault(head, {"type": "object", "properties": {},
                                                 "additionalProperties": False})
            target, name = group["properties"], tail
        target[name] = {"type": "array", "items": schema_of(spec.model)}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "benefitcalc ruleset",
            "type": "object", "required": ["meta"], "properties": properties,
            "additionalProperties": False}


# --- calculations ------------------------------------------------------------------------

_VERSION: list[str] = []


def benefitcalc_version() -> str:
    if not _VERSION:
        import benefitcalc

        _VERSION.append(benefitcalc.__version__)
    return _VERSION[0]


def _calculator(benefit: str) -> Any:
    from .calc import unemployment

    return {"unemployment": unemployment.calculate}[benefit]


def calculate(tree: RulesetTree, data: Any) -> dict[str, Any]:
    """One case (a decoded JSON object) → one result (SPEC §3.2), as JSON-ready data."""
    from .models import CONTRACT, parse_case

    case = parse_case(data)
    slug = tree.find(case.region)
    rules = resolve(tree, slug, case.as_of)
    outcome = _calculator(case.benefit)(case, rules)
    trace = outcome.trace
    warnings = [*rules.horizon_warnings(), *trace.warnings]
    sources = cited_sources(tree, trace.sources)
    return {
        "id": case.id, "benefit": case.benefit, "region": slug, "district": case.district,
        "as_of": case.as_of.isoformat(), "contract": CONTRACT,
        "benefitcalc_version": benefitcalc_version(),
        "rulesets": [file_ref(f) for f in reversed(rules.chain)],
        "resolved_sha256": rules.sha256,
        "eligible": outcome.eligible,
        "reasons": [n.to_json() for n in outcome.reasons],
        "warnings": [w.to_json() for w in dict.fromkeys(warnings)],
        "amounts": outcome.amounts,
        "extras": outcome.extras,
        "steps": [s.to_json() for s in trace.steps],
        "sources": sources,
    }


def case_schema() -> dict[str, Any]:
    from pydantic import TypeAdapter

    from .models import Case

    return TypeAdapter(Case).json_schema()


def result_schema() -> dict[str, Any]:
    from .results import ErrorOut, Result

    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "oneOf": [Result.model_json_schema(), ErrorOut.model_json_schema()]}
