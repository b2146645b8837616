"""Look-ups that forgive: regions and districts as caseworkers type them (case, spaces,
suffixes, addresses), "did you mean", another city's district, provinces refused for a case,
the district a result used, `rulesets list` districts and shell completion."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from benefitcalc.cli import app
from benefitcalc.engine import Engine
from benefitcalc.errors import ExitStatus, InvalidInputError, UnknownRegionError
from benefitcalc.rules.tree import RulesetTree
from benefitcalc.services.rulesets import complete_district, complete_region, list_regions

runner = CliRunner()
UNEMPLOYMENT = {"benefit": "unemployment", "as_of": "2024-06-01", "contribution_months": 80}
PENSION = {"benefit": "pension_adjustment", "region": "nanjing", "as_of": "2024-07-01", "category": "enterprise",
           "monthly_pension": 3200, "contribution_years": 32, "birth_date": "1950-05-01",
           "retirement_date": "2010-06-01"}


def case(region: str, district: str | None = None) -> dict:
    return {**UNEMPLOYMENT, "region": region, **({"district": district} if district is not None else {})}


def cli(*args: str):
    return runner.invoke(app, list(args))


# -- regions ---------------------------------------------------------------------------------

FORMS = [
    ("nanchang", "nanchang", None),
    ("Nanchang", "nanchang", None),
    ("NANCHANG", "nanchang", None),
    (" nanchang ", "nanchang", None),
    ("\u3000南昌市\u3000", "nanchang", None),  # full-width spaces
    ("ｎａｎｃｈａｎｇ", "nanchang", None),  # full-width letters
    ("南昌", "nanchang", None),
    ("南昌市", "nanchang", None),
    ("360100", "nanchang", None),
    ("南昌市新建区", "nanchang", "新建区"),
    ("南昌市 新建区", "nanchang", "新建区"),
    ("南昌新建", "nanchang", "新建区"),
    ("江西省南昌市新建区", "nanchang", "新建区"),
    ("江西南昌", "nanchang", None),
    ("赣州市赣县区", "ganzhou-ganxian", None),
    ("赣县区", "ganzhou-ganxian", None),
    ("赣县", "ganzhou-ganxian", None),
    ("ganxian", "ganzhou-ganxian", None),
    ("GanXian", "ganzhou-ganxian", None),
    ("新建区", "nanchang", "新建区"),
    ("新建", "nanchang", "新建区"),
    ("南昌县", "nanchang", "南昌县"),
    ("广州天河区", "guangzhou", "天河区"),
    ("Guangzhou", "guangzhou", None),
    ("jiangxi", "jiangxi", None),
    ("江西", "jiangxi", None),
    ("江西省", "jiangxi", None),
]


@pytest.mark.parametrize(("name", "slug", "district"), FORMS, ids=[f[0] for f in FORMS])
def test_a_region_is_found_however_a_caseworker_types_it(shipped, name, slug, district):
    found = shipped.locate(name)
    assert (found.slug, found.district) == (slug, district)


def test_an_exact_slug_is_one_file_look_up_without_the_name_index():
    tree = RulesetTree()
    assert tree.locate("nanchang").slug == "nanchang"
    assert tree._files == {} and tree._places is None
    engine = Engine()
    engine.calculate(case("nanchang", "新建区"))
    assert engine.tree._places is None
    assert set(engine.tree._files) == {"nanchang", "jiangxi", "national"}


def test_find_takes_an_address_but_not_a_district_alone(shipped):
    assert shipped.find("南昌市新建区") == "nanchang"
    with pytest.raises(UnknownRegionError) as err:
        shipped.find("新建")
    assert err.value.message == ("新建区 is a district of nanchang (南昌市), not a region: "
                                 "use --region nanchang --district 新建区")
    assert err.value.zh == "新建区 是 nanchang（南昌市）的区县，不是地区：请使用 --region nanchang --district 新建区"


def test_an_unknown_region_gets_did_you_mean_in_both_languages(shipped):
    with pytest.raises(UnknownRegionError) as err:
        shipped.locate("nanchan")
    assert err.value.message == ("unknown region 'nanchan'; did you mean nanchang (南昌市)? `benefitcalc rulesets "
                                 "list` shows the regions, their aliases and admin codes")
    assert err.value.zh.startswith("未知地区 'nanchan'；是否指 nanchang（南昌市）？")
    assert err.value.details["suggestions"] == [{"region": "nanchang"}]


def test_a_mistyped_chinese_name_is_suggested_by_its_closest_names(shipped):
    with pytest.raises(UnknownRegionError) as err:
        shipped.locate("南京路")
    assert "did you mean nanjing (南京市)?" in err.value.message and "是否指 nanjing（南京市）？" in err.value.zh
    with pytest.raises(UnknownRegionError) as err:
        shipped.locate("赣州")  # contained in 赣州市赣县区
    assert err.value.details["suggestions"][0] == {"region": "ganzhou-ganxian"}


def test_nothing_close_keeps_the_plain_message(shipped):
    with pytest.raises(UnknownRegionError) as err:
        shipped.locate("atlantis")
    assert err.value.message == ("unknown region 'atlantis'; `benefitcalc rulesets list` shows the regions, "
                                 "their aliases and admin codes")
    assert err.value.details == {"region": "atlantis"}


def test_a_path_is_never_a_region_name(shipped):
    for hostile in ("../etc", "南昌/../jiangxi", " ../../etc "):
        with pytest.raises(UnknownRegionError, match="is not a region name"):
            shipped.locate(hostile)


def test_an_address_with_another_citys_district_says_which_city(shipped):
    with pytest.raises(InvalidInputError) as err:
        shipped.locate("南昌市天河区")
    assert "天河区 is a district of guangzhou (广州市), not of nanchang" in err.value.message


# -- districts of a case ---------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["新建区", " 新建区 ", "\u3000新建区", "新建"])
def test_a_cases_district_is_normalised(engine, typed):
    result = engine.calculate(case("nanchang", typed))
    assert (result.district, result.district_source) == ("新建区", "case")
    assert result.amounts["monthly_benefit"] == engine.calculate(case("nanchang", "新建区")).amounts["monthly_benefit"]


def test_another_citys_district_says_which_city_in_both_languages(engine):
    with pytest.raises(InvalidInputError) as err:
        engine.calculate(case("nanchang", "天河区"))
    assert err.value.message == ("district: 天河区 is a district of guangzhou (广州市), not of nanchang: "
                                 "use --region guangzhou --district 天河区")
    assert err.value.zh == ("district：天河区 是 guangzhou（广州市）的区县，不属于 nanchang："
                            "请使用 --region guangzhou --district 天河区")
    assert err.value.details["district_of"] == ["guangzhou"]


def test_an_unknown_district_gets_did_you_mean_among_the_regions_districts(engine):
    with pytest.raises(InvalidInputError) as err:
        engine.calculate(case("nanchang", "新健区"))
    assert err.value.message.startswith("district: 新健区 is not a district of nanchang; did you mean 新建区? known: ")
    assert err.value.zh.startswith("district：新健区 不是 nanchang 的区县；是否指 新建区？已知区县：")
    assert err.value.field == "district" and err.value.details["suggestions"] == ["新建区"]


def test_a_suffixless_district_that_two_districts_share_is_ambiguous(make_tree):
    city = """
    [[area]]
    scheme = "minimum_wage"
    since = 2020-01-01
    source = "law"
    core = ["长安区"]
    districts = { "长安区" = "一类", "长安县" = "二类" }
    """
    tree = make_tree(province='[[minimum_wage]]\nsince = 2020-01-01\nsource = "law"\n'
                              'monthly = { "一类" = 1000, "二类" = 900 }\n', city=city)
    engine = Engine(tree.root)
    assert engine.district("city", "长安县") == "长安县"
    with pytest.raises(InvalidInputError, match="could be 长安区 or 长安县 of city"):
        engine.district("city", "长安")


def test_a_district_in_the_region_name_is_used_when_the_case_has_none(engine):
    result = engine.calculate(case("南昌市新建区"))
    assert (result.region, result.district, result.district_source) == ("nanchang", "新建区", "address")
    assert result.amounts == engine.calculate(case("nanchang", "新建区")).amounts


def test_a_district_alone_as_the_region_is_its_city_and_itself(engine):
    result = engine.calculate(case("新建区"))
    assert (result.region, result.district, result.district_source) == ("nanchang", "新建区", "address")


def test_a_district_alone_as_the_region_with_another_district_says_what_to_type(engine):
    with pytest.raises(UnknownRegionError) as err:
        engine.calculate(case("新建区", "东湖区"))
    assert "use --region nanchang --district 新建区" in err.value.message


def test_an_address_and_a_different_district_conflict(engine):
    with pytest.raises(InvalidInputError) as err:
        engine.calculate(case("南昌市新建区", "东湖区"))
    assert err.value.field == "district" and "differs from 新建区" in err.value.message
    same = engine.calculate(case("南昌市新建区", "新建"))
    assert (same.district, same.district_source) == ("新建区", "case")


def test_a_case_without_a_district_reports_the_core_district_its_tier_came_from(engine):
    result = engine.calculate(case("nanchang"))
    assert (result.district, result.district_source) == ("东湖区", "core")
    assert result.to_json()["district_source"] == "core"
    ganxian = engine.calculate(case("赣县"))
    assert (ganxian.region, ganxian.district, ganxian.district_source) == ("ganzhou-ganxian", "赣县区", "core")


def test_no_district_source_when_no_district_played_a_part(engine):
    result = engine.calculate(PENSION)
    assert result.district is None and result.district_source is None
    assert result.to_json()["district_source"] is None


def test_the_echoed_case_keeps_what_was_typed(engine):
    result = engine.calculate(case("南昌市新建区", " 新建 "))
    assert result.case is not None and result.case["region"] == "南昌市新建区"


# -- provinces -------------------------------------------------------------------------------

PROVINCE_EN = ("jiangxi is a province: choose one of its cities or districts: nanchang (南昌市), "
               "ganzhou-ganxian (赣州市赣县区)")


@pytest.mark.parametrize("name", ["jiangxi", "江西", "江西省", " Jiangxi "])
def test_a_province_as_the_region_of_a_case_names_its_cities(engine, name):
    with pytest.raises(InvalidInputError) as err:
        engine.calculate(case(name))
    assert err.value.message == PROVINCE_EN
    assert err.value.zh == "jiangxi（江西省）是省份：请选择其下的市或区县：nanchang（南昌市）、ganzhou-ganxian（赣州市赣县区）"
    assert err.value.details["province"] is True
    assert err.value.details["choices"] == ["nanchang", "ganzhou-ganxian"]


def test_a_province_on_the_command_line_exits_3_not_4():
    result = cli("unemployment", "--region", "jiangxi", "--as-of", "2024-06-01", "--contribution-months", "80",
                 "--json")
    assert result.exit_code == ExitStatus.INVALID_INPUT, result.output
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "invalid_input" and error["details"]["province"] is True
    assert error["message"]["en"] == PROVINCE_EN


def test_a_provinces_own_file_can_still_be_shown_and_covered():
    shown = cli("rulesets", "show", "江西省@2024-06-01", "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["region"] == "jiangxi"
    covered = cli("rulesets", "coverage", "jiangxi", "--json")
    assert covered.exit_code == 0, covered.output


# -- the command line --------------------------------------------------------------------------


def test_the_command_line_takes_an_address_and_reports_the_district_used():
    result = cli("unemployment", "--region", "南昌市新建区", "--as-of", "2024-06-01", "--contribution-months", "80",
                 "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["region"], data["district"], data["district_source"]) == ("nanchang", "新建区", "address")
    assert data["amounts"]["monthly_benefit"] == "1683.00"  # 1870 × 0.90 (二类)


def test_the_command_line_says_did_you_mean_for_a_district():
    result = cli("unemployment", "--region", "nanchang", "--district", "新健区", "--as-of", "2024-06-01",
                 "--contribution-months", "80", "--json")
    assert result.exit_code == 3
    message = json.loads(result.stdout)["error"]["message"]
    assert "did you mean 新建区?" in message["en"] and "是否指 新建区？" in message["zh"]


def test_show_of_a_district_alone_shows_its_citys_rules():
    # show takes no --district, so a district names its city's rules (review bug 13)
    result = cli("rulesets", "show", "新建区@2024-06-01", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["region"], data["district"]) == ("nanchang", "新建区")


# -- rulesets list and completion ----------------------------------------------------------------


def test_rulesets_list_shows_each_regions_districts(shipped):
    regions = {r["region"]: r for r in list_regions(shipped)}
    nanchang = regions["nanchang"]["districts"]
    assert "新建区" in nanchang and "东湖区" in nanchang and nanchang == sorted(nanchang)
    assert regions["ganzhou-ganxian"]["districts"] == ["赣县区"]
    assert regions["jiangxi"]["districts"] == [] and regions["national"]["districts"] == []
    data = json.loads(cli("rulesets", "list", "--json").stdout)
    listed = {r["region"]: r["districts"] for r in data["regions"]}
    assert listed["guangzhou"] == regions["guangzhou"]["districts"] and "天河区" in listed["guangzhou"]


def test_completion_offers_slugs_codes_chinese_names_and_addresses():
    tree = RulesetTree()
    assert [v for v, _ in complete_region(tree, "nan")] == ["nanchang", "nanjing"]
    assert [v for v, _ in complete_region(tree, "NAN")] == ["nanchang", "nanjing"]
    assert [v for v, _ in complete_region(tree, "3601")] == ["360100"]
    assert [v for v, _ in complete_region(tree, "南昌")] == ["南昌", "南昌市"]
    assert [v for v, _ in complete_region(tree, "南昌市新")] == ["南昌市新建区"]
    assert dict(complete_region(tree, "nanchang"))["nanchang"].startswith("南昌市")
    assert len(complete_region(tree, "")) == 10
    assert tree._files == {}  # read without building the models


def test_completion_offers_a_regions_districts():
    tree = RulesetTree()
    assert complete_district(tree, "nanchang", "新") == [("新建区", "nanchang (南昌市)")]
    assert [d for d, _ in complete_district(tree, "南昌市", "东")] == ["东湖区"]
    assert [d for d, _ in complete_district(tree, "赣县", "")] == ["赣县区"]
    assert complete_district(tree, None, "天") == [("天河区", "guangzhou (广州市)")]
    assert [d for d, _ in complete_district(tree, "atlantis", "新建")] == ["新建区"]  # any region's
    assert tree._files == {}


def test_rulesets_show_of_a_district_or_an_address_shows_its_citys_rules():
    from benefitcalc.services.rulesets import show

    for name in ("新建区", "南昌市新建区"):
        data = show(RulesetTree(), name, dt.date(2024, 6, 1))
        assert (data["region"], data["district"]) == ("nanchang", "新建区")
    assert show(RulesetTree(), "nanchang", dt.date(2024, 6, 1))["district"] is None


def test_a_negative_count_says_its_bound():
    from benefitcalc import Engine

    error = Engine().calculate_text('{"benefit": "unemployment", "region": "nanchang", "as_of": "2024-06-01", '
                                    '"contribution_months": "-5"}').to_json()["error"]
    assert error["message"]["en"] == "contribution_months: must be at least 0"
    assert error["message"]["zh"] == "contribution_months：须不小于 0"


def test_no_suggestion_of_another_city_for_a_two_character_name():
    for name in ("北京", "新疆"):  # one character off is a different place, not a typo
        with pytest.raises(UnknownRegionError) as err:
            RulesetTree().locate(name)
        assert "did you mean" not in err.value.message and "suggestions" not in err.value.details


def test_a_date_with_surrounding_spaces_is_read():
    result = Engine().calculate({"benefit": "unemployment", "region": "nanchang", "as_of": " 2024-06-01 ",
                                 "contribution_months": 80})
    assert result.as_of.isoformat() == "2024-06-01"
