"""The shipped rulesets: all valid at once, MANIFEST in step, one block per date, and the
uncovered periods exactly the ones `rulesets coverage` reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from benefitcalc.rules import manifest
from benefitcalc.rules.check import check_tree
from benefitcalc.rules.resolve import kind_of, resolve
from benefitcalc.rules.sections import is_area, require
from benefitcalc.services.coverage import coverage
from benefitcalc.services.rulesets import show

REGIONS = ["national", "jiangxi", "guangdong", "jiangsu", "hubei",
           "nanchang", "ganzhou-ganxian", "guangzhou", "nanjing", "xiangyang"]
DATES = [dt.date(2019, 6, 1), dt.date(2021, 6, 1), dt.date(2023, 6, 1), dt.date(2025, 6, 1)]


def test_every_shipped_file_is_valid_and_in_the_manifest(shipped):
    report = check_tree(shipped.root)
    assert [str(p) for p in report.problems] == []
    entries = manifest.read(shipped.root).entries
    assert entries == {f.name: manifest.Entry(f.meta.version, f.file_sha256, f.bytes_sha256) for f in report.files}
    assert sorted(f.region for f in report.files) == sorted(REGIONS)


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("date", DATES, ids=str)
def test_every_region_resolves_on_the_sample_dates(shipped, region, date):
    data = show(shipped, region, date)
    assert data["region"] == region and data["rulesets"][0]["region"] == "national"


def months(start: dt.date, end: dt.date):
    d = start
    while d <= end:
        yield d
        if d.replace(day=15) <= end:
            yield d.replace(day=15)
        d = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def test_at_most_one_block_of_a_sub_section_is_in_force_on_any_day(shipped):
    for f in shipped.all_files():
        for sub in f.subsections:
            if kind_of(sub) == "yearly":  # a year's figures, one block per (year, series): checked below
                assert len({(b.year, b.series) for b in f.blocks(sub)}) == len(f.blocks(sub)), (f.name, sub)
                continue
            blocks = f.blocks(sub)
            for day in months(dt.date(2018, 1, 1), dt.date(2026, 12, 1)):
                live = [b for i, b in enumerate(blocks)
                        if b.since <= day and (f.end(sub, i) is None or day <= f.end(sub, i))]
                assert len(live) <= 1, (f.name, sub, day)


def test_uncovered_days_are_exactly_the_missing_periods_of_coverage(shipped):
    end = dt.date(2026, 11, 1)
    report = coverage(shipped, end=end)
    for region in report["regions"]:
        for section in region["sections"]:
            if "years" in section:  # a yearly sub-section: the years it lacks are exactly those it cannot find
                r = resolve(shipped, region["region"], end)
                lag = require(section["section"]).lag  # the year before (上年度) or a date's own year
                if require(section["section"]).optional:  # figures a case may supply: no year is missing
                    assert section["missing_years"] == []
                    continue
                for year in range(2018 - lag, end.year - lag + 1):
                    lacking = year in section["missing_years"]
                    assert lacking == (not any(year == b.year for f in r.chain for b in f.blocks(section["section"])))
                continue
            # "unused": an area scheme while its tier table is not in force (nothing to cover)
            missing = [(dt.date.fromisoformat(p["from"]), dt.date.fromisoformat(p["to"]))
                       for p in section["periods"] if p["status"] in ("missing", "unused")]
            assert [[a.isoformat(), b.isoformat()] for a, b in missing
                    if any(p["status"] == "missing" and p["from"] == a.isoformat()
                           for p in section["periods"])] == section["missing"]
            for day in months(dt.date(2018, 1, 1), end):
                gap = any(a <= day <= b for a, b in missing)
                r = resolve(shipped, region["region"], day)
                assert (section["section"] in r.uncovered() or (not is_area(section["section"]) and require(
                    section["section"]).optional and r.find(section["section"]) is None)) == gap, \
                    (region["region"], section["section"], day)


def missing_of(report, region, section):
    r = next(r for r in report["regions"] if r["region"] == region)
    return next(s for s in r["sections"] if s["section"] == section)["missing"]


def test_coverage_names_the_known_minimum_wage_gaps(shipped):
    report = coverage(shipped, end=dt.date(2026, 11, 23))
    # Xiangyang's 档 in the 2024 round is not sourced
    assert missing_of(report, "xiangyang", "area.minimum_wage") == [["2024-02-01", "2025-11-30"]]
    # Ganxian's tier in the (unconfirmed) 2025-12 Jiangxi round is not sourced
    assert missing_of(report, "ganzhou-ganxian", "area.minimum_wage") == [["2025-12-01", "2026-11-23"]]
    # Guangdong's round before 粤府函〔2018〕187号 and Jiangsu's before 2018-08 are not encoded
    assert missing_of(report, "guangzhou", "minimum_wage") == [["2018-01-01", "2018-06-30"]]
    assert missing_of(report, "nanjing", "minimum_wage") == [["2018-01-01", "2018-07-31"]]
    assert missing_of(report, "nanchang", "minimum_wage") == []
    s = report["summary"]
    assert s["values"] == s["confirmed"] + s["derived"] + s["unconfirmed"] and s["unconfirmed"] > 0


def test_coverage_marks_the_guangzhou_2025_round_unconfirmed(shipped):
    report = coverage(shipped, "guangzhou", end=dt.date(2025, 6, 1))
    periods = next(s for s in report["regions"][0]["sections"] if s["section"] == "minimum_wage")["periods"]
    assert periods[-1] == {"from": "2025-03-01", "to": "2025-06-01", "status": "unconfirmed",
                           "level": "province",
                           "block": {"region": "guangdong", "section": "minimum_wage", "since": "2025-03-01"},
                           # 三类 1850 and 18.3 are confirmed through 湛江; the other six are not
                           "values": {"confirmed": 2, "derived": 0, "unconfirmed": 6}}


# Figures as the reference documents give them (shared/reference, §1).
WAGES = [
    ("nanchang", None, dt.date(2019, 6, 1), "1680"),        # 江西 2018 round, 一类
    ("nanchang", "南昌县", dt.date(2021, 6, 1), "1730"),     # 2021 round, 二类
    ("nanchang", "安义县", dt.date(2024, 6, 1), "1740"),     # 2024 round, 三类 (derived 1566 / 0.9)
    ("ganzhou-ganxian", None, dt.date(2022, 1, 1), "1610"),  # 2021 round, 三类
    ("guangzhou", "天河区", dt.date(2020, 1, 1), "2100"),    # 粤府函〔2018〕187号
    ("guangzhou", None, dt.date(2023, 1, 1), "2300"),       # 粤府函〔2021〕345号
    ("nanjing", "江宁区", dt.date(2024, 6, 1), "2490"),      # Jiangsu 2024, 一类
    ("xiangyang", "襄州区", dt.date(2022, 1, 1), "1650"),    # 鄂政办发〔2021〕33号, 第三档
    ("xiangyang", None, dt.date(2020, 1, 1), "1500"),       # 2017 round, 第二档
]


@pytest.mark.parametrize("region,district,date,expected", WAGES)
def test_a_districts_minimum_wage_is_the_documented_figure(shipped, region, district, date, expected):
    r = resolve(shipped, region, date)
    tier = r.tier("minimum_wage", district)[0]
    assert r.get("minimum_wage").block.monthly[tier].value == Decimal(expected)


def test_coverage_names_the_unemployment_gaps(shipped):
    report = coverage(shipped, end=dt.date(2026, 11, 23))
    # Hubei: no rule sourced between the 2015 notice (70 %) and 90 % reported in force on 2020-07-15
    assert missing_of(report, "xiangyang", "unemployment.amount") == [["2018-01-01", "2020-07-14"]]
    # Nanjing: 低保 (the Jiangsu floor) sourced from 2019 through the 1050 of 2023-07-01
    assert missing_of(report, "nanjing", "low_income_standard") == [["2018-01-01", "2018-12-31"],
                                                                    ["2024-07-01", "2026-11-23"]]
    for region in ("nanchang", "ganzhou-ganxian", "guangzhou", "nanjing", "xiangyang"):
        assert missing_of(report, region, "unemployment.eligibility") == []
    # each province's own schedule (the law's 12/18/24 are maxima, not a schedule): Jiangxi's from
    # its 2018-12 round, Jiangsu's from 令第125号 (2018-12-28); Guangdong's and Hubei's all along
    assert missing_of(report, "nanchang", "unemployment.duration") == [["2018-01-01", "2018-11-30"]]
    assert missing_of(report, "nanjing", "unemployment.duration") == [["2018-01-01", "2018-12-27"]]
    assert missing_of(report, "guangzhou", "unemployment.duration") == []
    assert missing_of(report, "xiangyang", "unemployment.duration") == []


def test_jiangxi_switches_to_90_percent_on_the_chosen_date(shipped):
    before = resolve(shipped, "nanchang", dt.date(2024, 4, 7)).get("unemployment.amount").block
    after = resolve(shipped, "nanchang", dt.date(2024, 4, 8)).get("unemployment.amount").block
    assert before.method == "flat_per_tier" and before.confidence == "unconfirmed"
    assert after.method == "share_of_minimum_wage" and after.share.value == Decimal("0.90")


def test_files_trusted_through_the_manifest_give_the_same_models_as_full_validation(shipped):
    from benefitcalc.rules.tree import RulesetTree

    trusted = RulesetTree()  # the shipped tree, sealed by the build
    checked = RulesetTree(shipped.root, seal="")
    for a, b in zip(trusted.all_files(), checked.all_files(), strict=True):
        assert a.trusted and not b.trusted
        assert (a.meta, a.sources, a.defaults) == (b.meta, b.sources, b.defaults)
        assert a.file_sha256 == b.file_sha256  # the trusted path takes it from the sealed MANIFEST
        for sub in a.subsections:
            assert a.blocks(sub) == b.blocks(sub), (a.name, sub)
            # equal Decimals may still differ in scale; compare the text too
            assert [repr(x) for x in a.blocks(sub)] == [repr(x) for x in b.blocks(sub)]


def test_an_edited_file_is_validated_again(tmp_path, shipped):
    import shutil

    from benefitcalc.errors import InvalidRulesetError
    from benefitcalc.rules.tree import RulesetTree

    root = tmp_path / "rulesets"
    shutil.copytree(shipped.root, root)
    path = root / "jiangxi/province.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("monthly = { \"一类\" = 1850",
                                                             "monthly = { \"一类\" = \"x\""), encoding="utf-8")
    # a copy is never trusted; even with the shipped MANIFEST's seal, only unchanged files are
    tree = RulesetTree(root, seal=RulesetTree().seal)
    with pytest.raises(InvalidRulesetError):
        resolve(tree, "nanchang", dt.date(2022, 1, 1))
    assert tree.file("national").trusted
    assert not RulesetTree(root).file("national").trusted


def test_the_2021_hubei_rate_after_its_round_warns_as_unconfirmed(engine):
    # 2021's 90 % was an adjustment to that round; from 2024-02 it is carried over without a notice
    result = engine.calculate({"benefit": "unemployment", "region": "xiangyang", "as_of": "2025-12-15",
                               "contribution_months": 60}).to_json()
    rate = next(w for w in result["warnings"] if "unemployment.amount" in w["message"]["en"])
    assert "one-off adjustment" in rate["message"]["en"]


def test_nanjing_minimum_wage_in_2026_is_the_new_round(shipped):
    data = show(shipped, "nanjing", dt.date(2026, 3, 1))
    wage = next(s for s in data["subsections"] if s["subsection"] == "minimum_wage")
    one = next(v for v in wage["values"] if v["param"] == "minimum_wage.monthly.一类")
    assert one["value"] == "2660" and one["confidence"] == "unconfirmed"


def test_coverage_never_reports_a_period_past_its_horizon_as_confirmed(make_tree):
    # the test files say verified_through = 2025-12-31
    province = """
    [[minimum_wage]]
    since = 2024-01-01
    source = "law"
    monthly = { "一类" = 2000 }
    """
    tree = make_tree(province=province)
    report = coverage(tree, "prov", start=dt.date(2025, 1, 1), end=dt.date(2026, 6, 30))
    periods = next(s for s in report["regions"][0]["sections"] if s["section"] == "minimum_wage")["periods"]
    assert [(p["from"], p["to"], p["status"]) for p in periods] == [
        ("2025-01-01", "2025-12-31", "confirmed"), ("2026-01-01", "2026-06-30", "unverified")]


def test_coverage_counts_only_the_values_in_force_in_its_window(make_tree):
    province = """
    [[minimum_wage]]
    since = 2019-01-01
    until = 2020-12-31
    source = "law"
    monthly = { "一类" = 1800, "二类" = 1700 }

    [[minimum_wage]]
    since = 2021-01-01
    source = "law"
    monthly = { "一类" = 2000 }
    """
    tree = make_tree(province=province)
    assert coverage(tree, "prov", start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 31))["summary"]["values"] == 1
    assert coverage(tree, "prov", start=dt.date(2020, 6, 1), end=dt.date(2022, 12, 31))["summary"]["values"] == 3


def test_shipped_coverage_has_no_confirmed_period_past_a_files_horizon(shipped):
    report = coverage(shipped, end=dt.date(2026, 11, 29))
    horizons = {f.region: f.meta.verified_through for f in shipped.all_files()}
    for region in report["regions"]:
        horizon = min(horizons[f.region] for f in shipped.chain(region["region"]))
        for section in region["sections"]:
            for p in section.get("periods", []):
                if p["status"] in ("confirmed", "derived", "unconfirmed"):
                    assert dt.date.fromisoformat(p["to"]) <= horizon, (region["region"], section["section"], p)


def test_show_and_coverage_agree_on_a_blocks_status(shipped):
    day = dt.date(2023, 6, 1)
    report = coverage(shipped, "nanjing", start=day, end=day)
    statuses = {s["section"]: s["periods"][0]["status"] for s in report["regions"][0]["sections"]
                if s.get("periods") and s["periods"][0].get("block")}
    shown = {d["subsection"]: d["status"] for d in show(shipped, "nanjing", day)["subsections"]}
    for sub, status in statuses.items():
        if sub in shown and kind_of(sub) == "dated":
            assert shown[sub] == status, sub
