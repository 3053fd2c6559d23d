"""Frozen composite-index editions: vintages, reproducibility, warnings, the CLI."""
import datetime as dt
import json

import pytest
from django.core.management import call_command

from iccity.core.actions import ActionRefused
from iccity.core.models import AuditEvent
from iccity.indicators.actions.editions import do_create_edition, do_rerun_edition, is_reproducible
from iccity.indicators.models import (Dimension, Framework, IndexEdition, Indicator, IndicatorDimension, Observation,
                                      Release)

TOWNS = ["杨柳青镇", "张家窝镇", "精武镇", "大寺镇"]
# 2024 by town in the first release (published 2025-03-01):
#            社零  客流  品牌  投诉(cost)
VALUES = {"杨柳青镇": (100, 50, 10, 2),
          "张家窝镇": (80, 70, 6, 3),
          "精武镇": (60, 30, 8, 1),
          "大寺镇": (40, 40, 4, 5)}
# min–max: 社零 (x−40)/60 → 1, .6667, .3333, 0;  客流 (x−30)/40 → .5, 1, 0, .25;  品牌 (x−4)/6 → 1, .3333, .6667, 0;
#          投诉 (5−x)/4 → .75, .5, 1, 0
# dimensions (equal within): 规模 = mean(社零, 客流) → .75, .8333, .1667, .125;  品质 = 品牌;  环境 = 投诉
# overall (equal dimensions): 杨 (.75+1+.75)/3 = .833333;  张 (.8333+.3333+.5)/3 = .555556;
#                             精 (.1667+.6667+1)/3 = .611111;  大 (.125+0+0)/3 = .041667 → ranks 1, 3, 2, 4
EXPECTED_OVERALL = {"杨柳青镇": 0.833333, "张家窝镇": 0.555556, "精武镇": 0.611111, "大寺镇": 0.041667}
FIRST = dt.date(2025, 3, 1)
REVISED = dt.date(2025, 6, 1)


def obs(indicator, release, value, *, town="", period="2024", area="西青区"):
    return Observation.objects.create(indicator=indicator, release=release, area=area, period=period,
                                      period_end=dt.date(int(period), 12, 31), breakdown_kind="town" if town else "",
                                      breakdown_value=town, value=value)


@pytest.fixture
def icc(db):
    fw = Framework.objects.create(code="t-icc", name="测试国际消费中心城市框架", version="1", source="测试")
    dims = [Dimension.objects.create(framework=fw, code=code, name=name, position=i)
            for i, (code, name) in enumerate([("scale", "消费规模"), ("quality", "消费品质"), ("env", "消费环境")])]
    specs = [("retail", "社会消费品零售总额", "higher", 0), ("visitors", "客流量", "higher", 0),
             ("brands", "首店品牌数", "higher", 1), ("complaints", "万人消费投诉量", "lower", 2)]
    inds = []
    for code, name, direction, d in specs:
        ind = Indicator.objects.create(code=code, name=name, definition="测试", unit="个", direction=direction,
                                       source_org="区统计局", breakdowns=["town"])
        IndicatorDimension.objects.create(indicator=ind, dimension=dims[d])
        inds.append(ind)
    r1 = Release.objects.create(title="2024年镇街数据", publisher="区统计局", published_on=FIRST)
    for town, values in VALUES.items():
        for ind, v in zip(inds, values):
            obs(ind, r1, v, town=town)
    return {"fw": fw, "inds": dict(zip([s[0] for s in specs], inds)), "r1": r1, "dims": dims}


def edition(icc, *, as_of=dt.date(2025, 4, 1), towns=TOWNS, method=None, weights=None, name="2024 镇街"):
    return do_create_edition(framework=icc["fw"], name=name, areas_or_breakdowns=towns, year=2024, as_of=as_of,
                             method=method, weights=weights, actor=None)


def overall(ed):
    return {r["unit"]: r["overall"] for r in ed.results["units"]}


def ranks(ed):
    return {r["unit"]: r["rank"] for r in ed.results["units"]}


def test_edition_freezes_inputs_weights_and_hand_computed_results(icc, django_assert_max_num_queries):
    # structure + observations + insert + audit (content type unless cached; chain head lock and update, or its creation
    # after a flush): a bound below the 16 cells, so not one query per cell
    with django_assert_max_num_queries(14):
        ed = edition(icc)
    assert overall(ed) == EXPECTED_OVERALL
    assert ranks(ed) == {"杨柳青镇": 1, "张家窝镇": 3, "精武镇": 2, "大寺镇": 4}
    assert ed.results["units"][0]["dimensions"] == {"scale": 0.75, "quality": 1.0, "env": 0.75}
    assert len(ed.inputs["cells"]) == 16 and {c["release"] for c in ed.inputs["cells"]} == {icc["r1"].pk}
    cell = next(c for c in ed.inputs["cells"] if c["unit"] == "张家窝镇" and c["indicator"] == "brands")
    assert cell["value"] == "6.0000" and Observation.objects.get(pk=cell["observation"]).release == icc["r1"]
    # resolved numbers, not just a method name
    assert ed.weights["dimensions"] == {"scale": 0.333333, "quality": 0.333333, "env": 0.333333}
    assert ed.weights["effective"] == {"retail": 0.166667, "visitors": 0.166667, "brands": 0.333333, "complaints": 0.333333}
    assert ed.method["normalisation"] == "minmax" and ed.method["indicator_weighting"] == "equal"
    assert ed.warnings == []
    assert AuditEvent.objects.filter(action="indicators.indexedition.created", object_id=str(ed.pk)).exists()


def test_revision_changes_a_new_edition_but_not_the_earlier_one(icc):
    before = edition(icc, as_of=dt.date(2025, 4, 1), name="截至4月")
    stored = json.loads(json.dumps(before.results))
    # 张家窝镇's brand count is revised from 6 to 10 in a later release
    r2 = Release.objects.create(title="2024年镇街数据（修订）", publisher="区统计局", published_on=REVISED, status="revised")
    obs(icc["inds"]["brands"], r2, 10, town="张家窝镇")
    after = edition(icc, as_of=dt.date(2025, 7, 1), name="截至7月")
    # 品质 for 张 becomes 1 → overall (.8333 + 1 + .5)/3 = .777778: ahead of 精武镇
    assert overall(after)["张家窝镇"] == 0.777778 and ranks(after)["张家窝镇"] == 2 and ranks(after)["精武镇"] == 3
    cell = next(c for c in after.inputs["cells"] if c["unit"] == "张家窝镇" and c["indicator"] == "brands")
    assert cell["release"] == r2.pk and cell["published_on"] == "2025-06-01"
    # the earlier edition is untouched and still reproduces exactly
    before.refresh_from_db()
    assert before.results == stored
    assert do_rerun_edition(before).results == stored and is_reproducible(before) and is_reproducible(after)
    # a new edition at the old cut-off ignores the later revision
    again = edition(icc, as_of=dt.date(2025, 4, 1), name="截至4月（重算）")
    assert again.results == stored


def test_releases_published_after_as_of_are_ignored(icc):
    with pytest.raises(ActionRefused, match="没有任何可用数据"):
        edition(icc, as_of=FIRST - dt.timedelta(days=1))
    assert edition(icc, as_of=FIRST).inputs["cells"]  # "on or before": the publication day counts


def test_entropy_topsis_and_sensitivity_reproduce_exactly(icc):
    method = {"topsis": True, "sensitivity": {"shift": 0.5, "runs": 200, "seed": 3}}
    ed = edition(icc, method=method, weights={"indicators": "entropy"})
    assert ed.method["indicator_weighting"] == "entropy"
    assert sum(ed.weights["indicators"].values()) == pytest.approx(1, abs=1e-5)
    assert len(set(ed.weights["indicators"].values())) > 1  # data-driven, not equal
    assert all("topsis" in r and "topsis_rank" in r for r in ed.results["units"])
    assert set(ed.results["sensitivity"]["monte_carlo"]["ranks"]) == set(TOWNS)
    assert any("只在维度内部起作用" in w for w in ed.warnings)  # equal dimensions override entropy between them
    summed = edition(icc, weights={"indicators": "entropy", "dimensions": "sum"}, name="熵权直接合成")
    assert summed.weights["effective"] == pytest.approx(summed.weights["indicators"], abs=2e-6)
    ed.refresh_from_db()
    again = do_rerun_edition(ed)
    assert again.results == ed.results and again.weights == ed.weights and again.warnings == ed.warnings


def test_entropy_on_two_towns_warns(icc):
    ed = edition(icc, towns=TOWNS[:2], weights={"indicators": "entropy"})
    assert any("仅有 2 个评价单元" in w and "目标进度法" in w for w in ed.warnings)


def test_entropy_on_one_district_over_years_warns(icc):
    r = Release.objects.create(title="西青区统计公报", publisher="区统计局", published_on=dt.date(2025, 3, 20))
    for year, values in {"2022": (400, 200, 20, 3), "2023": (430, 240, 26, 2.5), "2024": (470, 260, 31, 2)}.items():
        for ind, v in zip(icc["inds"].values(), values):
            obs(ind, r, v, period=year)
    ed = do_create_edition(framework=icc["fw"], name="西青区 2022—2024", areas_or_breakdowns=["西青区"],
                           years=[2022, 2023, 2024], as_of=dt.date(2025, 4, 1), method={"by": "year"},
                           weights={"indicators": "entropy"}, actor=None)
    assert [r["unit"] for r in ed.results["units"]] == ["2022", "2023", "2024"]
    assert ranks(ed)["2024"] == 1  # every indicator improves each year
    assert any("单一地区的多年数据" in w and "目标进度法" in w for w in ed.warnings)


def test_missing_town_value_is_refused_or_mean_imputed_as_asked(icc):
    obs(icc["inds"]["retail"], icc["r1"], 90, town="辛口镇")  # only one of four indicators
    towns = TOWNS + ["辛口镇"]
    with pytest.raises(ActionRefused) as exc:
        edition(icc, towns=towns)
    assert "辛口镇·客流量" in exc.value.message and IndexEdition.objects.count() == 0
    ed = edition(icc, towns=towns, method={"missing": "mean"})
    assert {"unit": "辛口镇", "indicator": "brands"} in ed.results["imputed"]
    assert any("均值插补" in w and "辛口镇" in w for w in ed.warnings)
    assert is_reproducible(ed)


def test_ahp_dimension_weights_store_the_matrix_and_cr_and_refuse_inconsistency(icc):
    ahp = {"order": ["scale", "quality", "env"], "matrix": [[1, 2, 4], ["1/2", 1, 2], ["1/4", "1/2", 1]]}
    ed = edition(icc, weights={"dimensions": {"ahp": ahp}})
    assert ed.weights["dimensions"] == {"scale": 0.571429, "quality": 0.285714, "env": 0.142857}
    assert ed.weights["ahp"]["维度"]["cr"] == 0 and ed.weights["spec"]["dimensions"]["ahp"] == ahp
    bad = {"order": ["scale", "quality", "env"], "matrix": [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]]}
    with pytest.raises(ActionRefused, match=r"CR = \d+\.\d{3} > 0.10"):
        edition(icc, weights={"dimensions": {"ahp": bad}})


def test_user_ratings_on_dimensions(icc):
    ed = edition(icc, weights={"dimensions": {"user": {"scale": 5, "quality": 0, "env": 5}}})
    assert ed.weights["dimensions"] == {"scale": 0.5, "quality": 0.0, "env": 0.5}
    with pytest.raises(ActionRefused, match="缺少：env"):
        edition(icc, weights={"dimensions": {"user": {"scale": 5, "quality": 1}}})


def test_bad_requests_are_refused_in_chinese(icc):
    with pytest.raises(ActionRefused, match="无法识别的方法参数"):
        edition(icc, method={"weighting": "entropy"})
    with pytest.raises(ActionRefused, match="至少需要 2 个年份"):
        do_create_edition(framework=icc["fw"], name="x", areas_or_breakdowns=[], year=2024, as_of=FIRST,
                          method={"by": "year"}, weights=None, actor=None)


def test_cli_run_show_check(icc, capsys, tmp_path):
    ahp = tmp_path / "ahp.json"
    ahp.write_text(json.dumps({"dimensions": {"order": ["scale", "quality", "env"],
                                              "matrix": [[1, 2, 4], ["1/2", 1, 2], ["1/4", "1/2", 1]]}}), encoding="utf-8")
    call_command("index", "run", "--framework", "t-icc", "--year", "2024", "--by", "town", "--weights", f"ahp:{ahp}",
                 "--topsis", "--as-of", "2025-04-01", "--name", "CLI 版次")
    out = capsys.readouterr().out
    ed = IndexEdition.objects.get(name="CLI 版次")
    assert f"#{ed.pk}" in out and "层次分析法" in out and "消费规模 0.5714" in out and "TOPSIS" in out
    assert sorted(ed.inputs["units"]) == sorted(TOWNS)  # all towns with data by default
    call_command("index", "show", str(ed.pk))
    shown = capsys.readouterr().out
    assert "1\t杨柳青镇" in shown and "CR = 0.000" in shown
    call_command("index", "check", str(ed.pk))
    assert "可复现" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        call_command("index", "run", "--framework", "t-icc", "--year", "2024", "--weights", "magic", "--name", "x")
    assert exc.value.code == 2 and "--weights" in capsys.readouterr().err
