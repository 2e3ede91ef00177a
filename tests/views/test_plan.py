"""calc.views.plan: workload totals, summary, resize advisor, tables, links and Generate.

Expected values are either copied from the spec (tokens, prices) or summed here from
calc.estimate one image at a time: never the plan code's own output echoed back.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import calc
from calc.engine.rules import fit_long
from calc.views import plan as cp

MODELS = ["gpt-4o", "gpt-4.1-mini", "gpt-5", "gpt-5-nano", "o4-mini"]


def rows_of(entries) -> pd.DataFrame:
    """Workload rows from (width, height, count, detail, model) tuples."""
    return pd.DataFrame(entries, columns=["width", "height", "count", "detail", "model"])


def by_model(frame: pd.DataFrame) -> dict[str, pd.Series]:
    return {row["model"]: row for _, row in frame.iterrows()}


def independent_totals(entries, models, default_detail="auto", rules="billing"):
    """Σ count × calc.estimate, one image at a time: tokens, usd, pixels seen, images."""
    out = {}
    for w, h, n, detail, pinned in entries:
        for model in ([pinned] if pinned else models):
            e = calc.estimate(w, h, model, detail or default_detail, rules=rules)
            t = out.setdefault(calc.resolve_model(model).name, [0, 0.0, 0, 0])
            t[0] += n * e.tokens
            t[1] += n * (e.usd if e.usd is not None else float("nan"))
            t[2] += n * e.grid.image[0] * e.grid.image[1]
            t[3] += n
    return out


# --- known answers from the spec -----------------------------------------------------------------


def test_one_square_image_on_gpt_4o_known_answer():
    """Spec §1: 1024×1024 high → 765 tokens; §7: gpt-4o $2.50 per 1M; batch is half."""
    priced = cp.price_workload(rows_of([(1024, 1024, 1, "", "")]), ["gpt-4o"])
    volume = cp.Volume(images_per_request=2, requests_per_day=500, days_per_month=30)
    s = by_model(cp.summary(cp.model_totals(priced), priced.images, volume))["gpt-4o"]
    assert s["avg_image_tokens"] == 765
    assert s["usd_per_1000_images"] == pytest.approx(765 * 2.50 / 1e6 * 1000)
    assert s["usd_per_day"] == pytest.approx(765 * 2.50 / 1e6 * 1000)
    assert s["usd_per_month"] == pytest.approx(765 * 2.50 / 1e6 * 1000 * 30)
    assert s["tokens_per_month"] == 765 * 1000 * 30
    batch = cp.summary(cp.model_totals(priced), priced.images,
                       cp.Volume(2, 500, 30, tier="batch"))
    assert batch.loc[0, "usd_per_month"] == pytest.approx(765 * 2.50 / 1e6 * 1000 * 30 / 2)


def test_measured_sizes_total_as_the_spec_says():
    """Spec §9: 2049×513 → 1445 and 2050×513 → 765 on gpt-4.1; 2 and 3 of each."""
    priced = cp.price_workload(rows_of([(2049, 513, 2, "high", ""), (2050, 513, 3, "high", "")]),
                               ["gpt-4.1"])
    t = by_model(cp.model_totals(priced))["gpt-4.1"]
    assert t["tokens"] == 2 * 1445 + 3 * 765
    assert t["images"] == 5
    assert t["usd"] == pytest.approx((2 * 1445 + 3 * 765) * 2.00 / 1e6)


def test_summary_is_cheapest_first_and_unknown_prices_last():
    priced = cp.price_workload(rows_of([(4032, 3024, 1, "", "")]),
                               ["o4-mini", "gpt-5.4-nano", "gpt-5-nano", "gpt-4o"])
    table = cp.summary(cp.model_totals(priced), priced.images, cp.Volume())
    assert table["model"].tolist() == ["gpt-5-nano", "gpt-4o", "o4-mini", "gpt-5.4-nano"]
    assert np.isnan(table.loc[3, "usd_per_month"])
    assert table.loc[3, "avg_image_tokens"] > 0  # tokens are known even without a price


# --- totals against calc.estimate, one image at a time -------------------------------------------

sizes = st.integers(min_value=1, max_value=9000)
entry = st.tuples(sizes, sizes, st.integers(1, 50), st.sampled_from(["", "low", "high", "auto"]),
                  st.sampled_from(["", "", "", "gpt-4.1", "gpt-5-mini"]))


@settings(max_examples=40)
@given(st.lists(entry, min_size=1, max_size=12), st.sampled_from(calc.RULE_SETS))
def test_totals_equal_sums_of_calc_estimate(entries, rules):
    priced = cp.price_workload(rows_of(entries), MODELS, "auto", rules)
    got = by_model(cp.model_totals(priced))
    expected = independent_totals(entries, MODELS, "auto", rules)
    assert set(got) == set(expected)
    for model, (tokens, usd, seen, images) in expected.items():
        assert got[model]["tokens"] == tokens
        assert got[model]["usd"] == pytest.approx(usd, rel=1e-9)
        assert got[model]["seen_pixels"] == seen
        assert got[model]["images"] == images
    assert priced.images == sum(n for _, _, n, _, _ in entries)


@settings(max_examples=25)
@given(st.lists(entry, min_size=1, max_size=8), st.integers(1, 20), st.integers(0, 10_000),
       st.integers(1, 31), st.sampled_from(calc.TIERS))
def test_summary_scales_totals_to_the_volume(entries, ipr, rpd, days, tier):
    priced = cp.price_workload(rows_of(entries), MODELS)
    volume = cp.Volume(ipr, rpd, days, tier)
    table = by_model(cp.summary(cp.model_totals(priced), priced.images, volume))
    expected = independent_totals(entries, MODELS)
    all_images = sum(n for _, _, n, _, _ in entries)
    factor = 0.5 if tier == "batch" else 1.0
    for model, (tokens, usd, _, images) in expected.items():
        row = table[model]
        assert row["share_of_images"] == pytest.approx(images / all_images)
        assert row["avg_image_tokens"] == pytest.approx(tokens / images)
        assert row["usd_per_1000_images"] == pytest.approx(usd / images * 1000 * factor)
        daily = usd / all_images * ipr * rpd * factor
        assert row["usd_per_day"] == pytest.approx(daily)
        assert row["usd_per_month"] == pytest.approx(daily * days)


def test_a_pinned_row_counts_only_on_its_model_and_only_its_share():
    entries = [(1024, 1024, 3, "", ""), (512, 512, 1, "", "gpt-4.1-mini")]
    priced = cp.price_workload(rows_of(entries), ["gpt-4o"])
    table = by_model(cp.summary(cp.model_totals(priced), priced.images,
                                cp.Volume(1, 400, 30)))
    assert set(table) == {"gpt-4o", "gpt-4.1-mini"}
    assert table["gpt-4o"]["share_of_images"] == 0.75
    # gpt-4o: 3 of every 4 images, 765 tokens each at $2.50 per 1M (spec §1, §7)
    assert table["gpt-4o"]["usd_per_day"] == pytest.approx(300 * 765 * 2.5 / 1e6)
    # gpt-4.1-mini: 512×512 = 256 patches × 1.62 → 415 tokens at $0.40 per 1M
    assert table["gpt-4.1-mini"]["usd_per_day"] == pytest.approx(100 * 415 * 0.40 / 1e6)


def test_rows_that_cost_the_same_are_priced_once():
    entries = [(800, 600, 1, "", "")] * 50 + [(800, 600, 2, "high", ""), (800, 600, 1, "auto", "")]
    priced = cp.price_workload(rows_of(entries), ["gpt-4o", "gpt-5"], detail="auto")
    counts = dict(zip(priced.sizes["detail"], priced.sizes["count"], strict=True))
    assert counts == {"auto": 51, "high": 2}  # "" took the default detail, auto
    assert len(priced.costs) == 2 * 2
    assert priced.row_size.tolist() == [priced.sizes["detail"].tolist().index("auto")] * 50 + [
        priced.sizes["detail"].tolist().index("high"),
        priced.sizes["detail"].tolist().index("auto")]


def test_an_empty_workload_costs_nothing():
    priced = cp.price_workload(rows_of([]), ["gpt-4o"])
    assert priced.images == 0
    assert len(cp.summary(cp.model_totals(priced), priced.images, cp.Volume())) == 0


def test_models_no_row_reaches_are_left_out():
    priced = cp.price_workload(rows_of([(64, 64, 1, "", "gpt-5")]), ["gpt-4o"])
    assert cp.model_totals(priced)["model"].tolist() == ["gpt-5"]


def test_bad_inputs_raise_calc_errors():
    with pytest.raises(calc.CalcError):
        cp.price_workload(rows_of([(0, 5, 1, "", "")]), ["gpt-4o"])
    with pytest.raises(calc.UnknownModelError):
        cp.price_workload(rows_of([(5, 5, 1, "", "")]), ["gpt-9"])
    with pytest.raises(calc.CalcError):
        cp.price_workload(rows_of([(5, 5, 1, "", "")]), ["gpt-4o"], detail="ultra")
    for bad in (dict(images_per_request=0), dict(days_per_month=32), dict(tier="gold"),
                dict(requests_per_day=-1), dict(requests_per_day=2.5)):
        with pytest.raises(calc.CalcError):
            cp.Volume(**bad)


def test_cost_by_volume_is_a_line_through_today():
    priced = cp.price_workload(rows_of([(1024, 1024, 1, "", "")]), ["gpt-4o", "gpt-5.4-nano"])
    totals = cp.model_totals(priced)
    volume = cp.Volume(1, 1000, 30)
    curve = cp.cost_by_volume(totals, priced.images, volume)
    assert set(curve["model"]) == {"gpt-4o"}  # no price, no line
    today = curve[curve["images_per_day"] == 1000]["usd_per_month"].item()
    assert today == pytest.approx(765 * 2.5 / 1e6 * 1000 * 30)
    assert curve["images_per_day"].min() == 0 and curve["usd_per_month"].min() == 0
    assert curve["images_per_day"].max() == 3000


# --- the resize advisor --------------------------------------------------------------------------


@given(sizes, sizes, st.sampled_from(cp.FIT_SIDES))
def test_fit_sizes_is_fit_long_for_every_size(w, h, side):
    fw, fh = cp.fit_sizes(np.array([w, w, 5]), np.array([h, h, 5]), side)
    assert (int(fw[0]), int(fh[0])) == fit_long(w, h, side) == (int(fw[1]), int(fh[1]))
    assert max(fw[0], fh[0]) == (side if max(w, h) > side else max(w, h))
    assert fw[0] <= w and fh[0] <= h  # never up
    assert (fw[2], fh[2]) == (5, 5)


def test_advisor_known_answer_phone_photo_on_gpt_4o():
    """4032×3024 → 765 tokens (fit 2048, short side 768: 1024×768, 4 tiles). Pre-resized to fit
    512 → 512×384 → 1 tile → 255 tokens: 510 saved per image (spec §1)."""
    priced = cp.price_workload(rows_of([(4032, 3024, 1, "", "")]), ["gpt-4o"])
    advice = cp.resize_advice(cp.resize_totals(priced), priced.images, cp.Volume(1, 100, 30))
    rows = {r["fit"]: r for _, r in advice.iterrows()}
    assert rows["as sent"]["avg_image_tokens"] == 765
    assert rows["fit 512 px"]["avg_image_tokens"] == 255
    assert rows["fit 512 px"]["tokens_saved_per_month"] == 510 * 100 * 30
    assert rows["fit 512 px"]["usd_saved_per_month"] == pytest.approx(510 * 3000 * 2.5 / 1e6)
    assert rows["fit 768 px"]["avg_image_tokens"] == 765  # 768×576: still 2×2 tiles
    assert rows["fit 768 px"]["usd_saved_per_month"] == 0
    assert rows["as sent"]["megapixels_seen"] == pytest.approx(1024 * 768 / 1e6)
    assert rows["fit 512 px"]["pixels_kept"] == pytest.approx(512 * 384 / (1024 * 768))
    assert list(rows) == ["as sent", "fit 2048 px", "fit 1536 px", "fit 1024 px", "fit 768 px",
                          "fit 512 px"]


@settings(max_examples=25)
@given(st.lists(entry, min_size=1, max_size=8))
def test_advisor_equals_calc_estimate_on_pre_resized_images(entries):
    models = ["gpt-4o", "gpt-5-mini"]
    priced = cp.price_workload(rows_of(entries), models)
    totals = cp.resize_totals(priced)
    for side in cp.FIT_SIDES:
        resized = [(*fit_long(w, h, side), n, d, m) for w, h, n, d, m in entries]
        expected = independent_totals(resized, models)
        got = by_model(totals[totals["fit_px"] == side])
        for model, (tokens, usd, seen, images) in expected.items():
            assert got[model]["tokens"] == tokens
            assert got[model]["usd"] == pytest.approx(usd, rel=1e-9)
            assert got[model]["seen_pixels"] == seen
            assert got[model]["images"] == images


# --- tables and exports --------------------------------------------------------------------------


def test_per_image_table_follows_the_workload_rows():
    rows = pd.DataFrame({"name": ["a.png", "b.jpg", "c.png"], "width": [1024, 512, 1024],
                         "height": [1024, 512, 1024], "count": [1, 1, 1], "detail": "",
                         "model": ["", "gpt-4.1-mini", ""]})
    priced = cp.price_workload(rows, ["gpt-4o"])
    table = cp.per_image_table(rows, priced, tier="batch")
    assert table["name"].tolist() == ["a.png", "b.jpg", "c.png"]
    assert table["gpt-4o tokens"].tolist()[0] == 765
    assert pd.isna(table["gpt-4o tokens"].tolist()[1])  # pinned to another model
    assert table["gpt-4.1-mini tokens"].tolist()[1] == 415
    assert table["gpt-4o usd"].tolist()[2] == pytest.approx(765 * 2.5 / 1e6 / 2)
    assert table["model"].tolist() == ["", "gpt-4.1-mini", ""]
    assert len(cp.per_image_table(rows, priced, limit=2)) == 2


def test_per_size_table_puts_the_most_common_size_first():
    rows = rows_of([(100, 100, 1, "", ""), (200, 200, 7, "", ""), (100, 100, 2, "", "")])
    priced = cp.price_workload(rows, ["gpt-5"])
    table = cp.per_size_table(priced)
    assert table[["width", "count"]].to_numpy().tolist() == [[200, 7], [100, 3]]
    assert "model" not in table.columns
    assert table["gpt-5 tokens"].tolist() == [70 + 140, 70 + 140]


def test_csv_exports_read_back():
    priced = cp.price_workload(rows_of([(640, 480, 2, "", "")]), ["gpt-4o", "gpt-5"])
    summary = cp.summary(cp.model_totals(priced), priced.images, cp.Volume())
    back = pd.read_csv(io.BytesIO(cp.to_csv_bytes(summary)))
    assert back.columns.tolist() == list(cp.SUMMARY_COLUMNS)
    assert back["model"].tolist() == summary["model"].tolist()
    assert back["usd_per_month"].tolist() == pytest.approx(summary["usd_per_month"].tolist())


# --- a size-mix plan in the URL ------------------------------------------------------------------

mixes = st.lists(st.tuples(st.integers(1, 10_000), st.integers(1, 10_000),
                           st.sampled_from([0.5, 1.0, 5.0, 12.5, 33.0, 40.0, 100.0])),
                 min_size=1, max_size=8)
plannable = st.lists(st.sampled_from(cp.plannable_models()), min_size=1, max_size=5, unique=True)


@given(mixes, plannable, st.integers(1, 1500), st.integers(0, 10**9), st.integers(1, 31),
       st.sampled_from(calc.TIERS), st.sampled_from(calc.DETAILS))
def test_a_plan_survives_the_round_trip_through_the_url(mix, models, ipr, rpd, days, tier,
                                                        detail):
    plan = cp.SharedPlan(tuple(mix), tuple(models), cp.Volume(ipr, rpd, days, tier), detail)
    back, notices = cp.plan_from_query(cp.plan_to_query(plan))
    assert notices == ()
    assert back == plan


def test_the_link_is_short_and_readable():
    query = cp.plan_to_query(cp.SharedPlan(((4032, 3024, 60.0), (256, 256, 40.0)), ("gpt-4o",),
                                           cp.Volume(2, 500, 22, "batch"), "low"))
    assert query == {"mix": "4032x3024:60,256x256:40", "models": "gpt-4o", "ipr": "2",
                     "rpd": "500", "days": "22", "tier": "batch", "detail": "low"}


@pytest.mark.parametrize(("params", "field", "expected", "notice"), [
    ({"rpd": "lots"}, "requests_per_day", 1000, "requests per day 'lots'"),
    ({"rpd": "-5"}, "requests_per_day", 1000, "requests per day '-5'"),
    ({"ipr": "0"}, "images_per_request", 1, "images per request '0'"),
    ({"ipr": "99999"}, "images_per_request", 1, "images per request '99999'"),
    ({"days": "45"}, "days_per_month", 30, "days per month '45'"),
    ({"tier": "gold"}, "tier", "standard", "price tier 'gold'"),
])
def test_bad_link_values_fall_back_to_defaults_with_a_notice(params, field, expected, notice):
    plan, notices = cp.plan_from_query(params)
    assert getattr(plan.volume, field) == expected
    assert len(notices) == 1 and notice in notices[0]


def test_bad_mix_models_and_detail_in_a_link():
    plan, notices = cp.plan_from_query({
        "mix": "800x600:50,abc,0x10:5,200000x1:5,10x10:0,1024×1024:25",
        "models": "gpt-4o,gpt-image-1,nonsense,gpt-4.1-mini-2025-04-14", "detail": "ultra"})
    assert plan.mix == ((800, 600, 50.0), (1024, 1024, 25.0))
    assert plan.models == ("gpt-4o", "gpt-4.1-mini")
    assert plan.detail == "auto"
    text = " | ".join(notices)
    for part in ("'abc'", "'0x10:5'", "'200000x1:5'", "'gpt-image-1'", "'nonsense'",
                 "detail 'ultra'"):
        assert part in text
    empty, notices = cp.plan_from_query({"mix": "junk", "models": ""})
    assert empty.mix == cp.default_plan().mix and empty.models == cp.DEFAULT_MODELS
    assert any("preset mix" in n for n in notices)


def test_list_values_take_the_last():
    plan, _ = cp.plan_from_query({"rpd": ["10", "20"], "mix": ["1x1:1"]})
    assert plan.volume.requests_per_day == 20 and plan.mix == ((1, 1, 1.0),)


@given(st.dictionaries(st.sampled_from([*cp.QUERY_KEYS, "other"]),
                       st.one_of(st.text(max_size=40), st.lists(st.text(max_size=10)))))
def test_any_query_string_gives_a_usable_plan(params):
    plan, notices = cp.plan_from_query(params)
    assert plan.mix and plan.models
    assert plan.detail in calc.DETAILS and plan.volume.tier in calc.TIERS
    assert isinstance(notices, tuple)


# --- Generate ------------------------------------------------------------------------------------


def test_generation_known_answers():
    """Spec §4: high 1024×1024 = 4160 tokens, + 100 per partial; §7: gpt-image-1 $40 per 1M out."""
    plan = cp.generation_plan("gpt-image-1", "high", "1024x1024", n=2, partial_images=1,
                              requests_per_day=50, days_per_month=20)
    assert plan.output.output_tokens == (4160 + 100) * 2
    assert plan.output_usd == pytest.approx(8520 * 40 / 1e6)
    assert plan.input_tokens == 0 and plan.input_usd == 0
    assert plan.image_usd == pytest.approx(4260 * 40 / 1e6)
    assert plan.images_per_day == 100
    assert plan.day_usd == pytest.approx(8520 * 40 / 1e6 * 50)
    assert plan.month_usd == pytest.approx(8520 * 40 / 1e6 * 50 * 20)


def test_edit_inputs_are_costed_with_calc_estimate_and_fidelity():
    """Spec §3/§9: 1024×1025 at low fidelity = 194 tokens; high adds 4160 if square."""
    low = cp.generation_plan("gpt-image-1", "low", "1024x1536", input_sizes=[(1024, 1025)])
    assert low.input_tokens == 194
    assert low.input_usd == pytest.approx(194 * 10 / 1e6)
    assert low.request_usd == pytest.approx(408 * 40 / 1e6 + 194 * 10 / 1e6)
    high = cp.generation_plan("gpt-image-1.5", "medium", "1536x1024",
                              input_sizes=[(1024, 1024), (512, 513)], fidelity="high",
                              tier="batch")
    expected = sum(calc.estimate(w, h, "gpt-image-1.5", fidelity="high").tokens
                   for w, h in [(1024, 1024), (512, 513)])
    assert high.input_tokens == expected == (194 + 4160) + (323 + 4160)
    assert high.input_usd == pytest.approx(expected * 8 / 1e6 / 2)
    assert high.output_usd == pytest.approx(1568 * 32 / 1e6 / 2)


def test_high_fidelity_on_gpt_image_1_mini_is_refused_with_the_reason():
    with pytest.raises(calc.UnsupportedFidelityError, match="gpt-image-1-mini supports only low"):
        cp.generation_plan("gpt-image-1-mini", "low", "1024x1024", input_sizes=[(512, 512)],
                           fidelity="high")
    ok = cp.generation_plan("gpt-image-1-mini", "low", "1024x1024", input_sizes=[(512, 512)])
    assert ok.input_tokens == 65 + 129  # 512×512: one tile
    assert ok.output_usd == pytest.approx(272 * 8 / 1e6)


def test_generation_limits_and_bad_options():
    with pytest.raises(calc.CalcError, match="at most 16"):
        cp.generation_plan("gpt-image-1", "low", "1024x1024", input_sizes=[(10, 10)] * 17)
    with pytest.raises(calc.CalcError):
        cp.generation_plan("gpt-4o", "low", "1024x1024")
    with pytest.raises(calc.CalcError):
        cp.generation_plan("gpt-image-1", "ultra", "1024x1024")
    with pytest.raises(calc.CalcError):
        cp.generation_plan("gpt-image-1", "low", "1024x1024", days_per_month=0)
