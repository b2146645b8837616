"""Round trip: a validated ruleset written with tomli-w and read back with tomllib gives the
same model and the same file_sha256, Decimal scale included."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from benefitcalc.rules.files import RulesetFile
from benefitcalc.rules.io import dumps_toml, parse_toml
from benefitcalc.rules.values import iter_values

NAMES = st.text(alphabet="一二三四五类档甲乙丙区县市abc", min_size=1, max_size=4)
#: any text a ruleset may hold: no NUL (the models refuse it)
TEXT = st.characters(codec="utf-8", exclude_characters="\x00")
DATES = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))
CONFIDENCE = st.sampled_from(["confirmed", "derived", "unconfirmed"])


@st.composite
def money(draw) -> Decimal:
    places = draw(st.integers(0, 4))
    return draw(st.decimals(min_value=0, max_value=10**6, places=places,
                            allow_nan=False, allow_infinity=False))


@st.composite
def value(draw):
    v = draw(money())
    if draw(st.booleans()):
        return v
    conf = draw(CONFIDENCE)
    out = {"value": v, "confidence": conf}
    if conf != "confirmed" or draw(st.booleans()):
        out["note"] = draw(st.text(TEXT, min_size=1, max_size=20).filter(str.strip))
    return out


@st.composite
def wage_blocks(draw):
    starts = sorted(draw(st.sets(DATES, min_size=1, max_size=4)))
    blocks = []
    for since in starts:
        tiers = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
        blocks.append({"since": since, "source": "s", "monthly": {t: draw(value()) for t in tiers}})
    return blocks


@st.composite
def duration_block(draw):
    cuts = sorted(draw(st.sets(st.integers(1, 300), min_size=0, max_size=6)))
    edges = [0, *cuts]
    rows = []
    for i, lower in enumerate(edges):
        row = {"from": lower, "value": draw(st.integers(0, 24))}
        if i + 1 < len(edges):
            row["to"] = edges[i + 1]
        rows.append(row)
    months = draw(st.integers(0, 36))
    max_months = months if draw(st.booleans()) else {"value": months, "confidence": "derived", "note": "n"}
    return {"since": draw(DATES), "source": "s", "max_months": max_months,
            "schedule": {"unit": "months", "mode": "lookup", "rows": rows}}


@st.composite
def documents(draw):
    return {
        "meta": {"region": "r", "level": "national", "name": {"zh": "全国", "en": "National"},
                 "version": draw(st.from_regex(r"[0-9][0-9.]{0,5}", fullmatch=True)),
                 "published": draw(DATES), "verified_through": draw(DATES)},
        "sources": {"s": {"title": draw(st.text(TEXT, min_size=1, max_size=30)), "date": draw(DATES)}},
        "minimum_wage": draw(wage_blocks()),
        "unemployment": {"duration": [draw(duration_block())]},
    }


@settings(max_examples=150, deadline=None)
@given(documents())
def test_write_then_read_gives_the_same_model_and_hash(doc):
    first = RulesetFile.from_document(doc, Path("r.toml"), "r.toml")
    written = first.document()
    back = parse_toml(dumps_toml(written), "r.toml")
    second = RulesetFile.from_document(back, Path("r.toml"), "r.toml")
    assert second.meta == first.meta and second.sources == first.sources
    for sub in ("minimum_wage", "unemployment.duration"):
        assert second.blocks(sub) == first.blocks(sub)
        # Decimal equality ignores scale; the scale must survive too
        assert _decimals(second.blocks(sub)) == _decimals(first.blocks(sub))
    # the hash is of the validated file: writing it back in its shortest form changes nothing
    assert second.file_sha256 == first.file_sha256


def _decimals(blocks) -> dict[tuple[int, str], str]:
    """Every value as text, so that 1850 and 1850.0 differ."""
    return {(i, v.path): str(v.value) for i, b in enumerate(blocks) for v in iter_values(b)}


def test_an_integral_amount_is_written_as_an_integer_and_keeps_its_scale():
    doc = {"meta": {"region": "r", "level": "national", "name": {"zh": "全国", "en": "N"},
                    "version": "1", "published": dt.date(2025, 1, 1), "verified_through": dt.date(2025, 1, 1)},
           "sources": {"s": {"title": "t"}},
           "minimum_wage": [{"since": dt.date(2020, 1, 1), "source": "s",
                             "monthly": {"一类": 1850, "二类": Decimal("0.90"), "三类": Decimal("1417.50")}}]}
    text = dumps_toml(RulesetFile.from_document(doc, Path("r"), "r").document())
    assert re.search(r'"一类" = 1850\b(?!\.)', text)
    assert '"二类" = 0.90' in text and '"三类" = 1417.50' in text
