"""The catalogue as data (metering.md §3–§11): every model, its lifecycle, its prices, its names.

Expected values are the notes': the tables of §3, §4, §7 and §9 and the deprecations list of §10.
"""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import calc
from calc.engine import catalogue as cat
from calc.engine import clock
from tests.known_days import CURRENT_ON

ROOT = Path(__file__).resolve().parents[2]

# ---- every model of §3–§4, §7–§8, with its family and §10 shutdown date --------------------------

SPEC_MODELS = [  # name, family, shutdown (§10's deprecations list; None: no date given)
    # §3 tile family
    ("gpt-5.1", "tile", "2027-04-01"),
    ("gpt-5", "tile", "2026-12-11"),
    ("gpt-4o", "tile", "2027-01-14"),
    ("gpt-4.1", "tile", "2027-01-14"),
    ("gpt-4o-mini", "tile", "2027-01-14"),
    ("o3", "tile", "2026-12-11"),
    ("o1", "tile", "2026-10-23"),
    ("o1-pro", "tile", "2026-10-23"),
    ("gpt-5-chat-latest", "tile", "2026-07-23"),
    ("computer-use-preview", "tile", "2026-07-23"),
    # §4 patch family
    ("gpt-6-astra", "patch", None),
    ("gpt-6-sol", "patch", None),
    ("gpt-6-luna", "patch", None),
    ("gpt-6.1-sol", "patch", None),
    ("gpt-6.1-terra", "patch", None),
    ("gpt-6.2-astra", "patch", None),
    ("gpt-6.2-sol", "patch", None),
    ("gpt-5.6-sol", "patch", None),
    ("gpt-5.6-terra", "patch", None),
    ("gpt-5.6-luna", "patch", None),
    ("gpt-5.5", "patch", None),
    ("gpt-5.4", "patch", None),
    ("gpt-5.4-mini", "patch", None),
    ("gpt-5.4-nano", "patch", "2027-04-01"),
    ("gpt-5.2", "patch", None),
    ("gpt-4.1-mini", "patch", "2027-01-14"),
    ("gpt-5-mini", "patch", "2026-12-11"),
    ("gpt-5-nano", "patch", "2026-12-11"),
    ("gpt-4.1-nano", "patch", "2026-10-23"),
    ("o4-mini", "patch", "2026-10-23"),
    # §7 gpt-image models
    ("gpt-image-1", "image", "2026-10-23"),
    ("gpt-image-1.5", "image", "2026-12-01"),
    ("gpt-image-1-mini", "image", "2026-12-01"),
    ("gpt-image-2", "image2", None),
    ("gpt-image-2.5-flare", "image2", None),
    ("gpt-image-2.5-sunburst", "image2", None),
    ("gpt-image-2.6-flare", "image2", None),
    ("gpt-image-2.6-sunburst", "image2", None),
]


@pytest.mark.parametrize(("name", "family", "shutdown"), SPEC_MODELS)
def test_every_spec_model_is_in_the_catalogue(name, family, shutdown):
    m = calc.resolve_model(name)
    assert (m.name, m.family, m.shutdown) == (name, family, shutdown)


def test_gpt_4_5_preview_shut_down_in_2025():
    # §10: shut down in 2025; the day is inferred
    m = calc.resolve_model("gpt-4.5-preview")
    assert m.family == "tile" and m.shutdown.startswith("2025-")
    assert m.status("2026-01-01") == "shut down"
    # the day is the catalogue's, not the spec's: an estimate says it is inferred
    assert any(n.kind == "inferred" and "shutdown" in n.text
               for n in calc.estimate(10, 10, "gpt-4.5-preview").notes)


def test_the_catalogue_is_the_data_file_and_nothing_else():
    raw = tomllib.loads((ROOT / "calc" / "data" / "catalogue.toml").read_text())
    assert raw["as_of"] and raw["source"]
    names = {m.name for m in calc.models()}
    assert set(raw["models"]) == names
    assert {n for n, _, _ in SPEC_MODELS} | {"gpt-4.5-preview"} <= names


MULTIPLIERS = [  # §4
    *[(m, "1.2") for m in ["gpt-6-astra", "gpt-6-sol", "gpt-6-luna", "gpt-6.1-sol",
                           "gpt-6.1-terra", "gpt-6.2-astra", "gpt-6.2-sol", "gpt-5.6-sol",
                           "gpt-5.6-terra", "gpt-5.6-luna", "gpt-5.5", "gpt-5.4", "gpt-5.4-mini",
                           "gpt-5.4-nano", "gpt-5.2", "gpt-5-mini"]],
    ("gpt-4.1-mini", "1.62"), ("gpt-5-nano", "1.5"), ("gpt-4.1-nano", "2.46"),
    ("o4-mini", "1.72"),
]


@pytest.mark.parametrize(("name", "multiplier"), MULTIPLIERS)
def test_patch_multipliers_are_exact(name, multiplier):
    for rules in ("billing", "documented"):
        assert calc.estimate(64, 64, name, "high", rules=rules).multiplier == Decimal(multiplier)


LEVELS = [  # §4 billing: model, (low max side, budget), (high …), (original …) or None for "—"
    *[(m, (512, None), (None, 2500), (65535, None)) for m in
      ["gpt-6-astra", "gpt-6-sol", "gpt-6-luna", "gpt-6.1-sol", "gpt-6.1-terra",
       "gpt-6.2-astra", "gpt-6.2-sol"]],
    *[(m, (512, None), (2048, 2500), (65535, None)) for m in
      ["gpt-5.6-sol", "gpt-5.6-terra", "gpt-5.6-luna"]],
    ("gpt-5.5", (512, None), (2048, 2500), (6000, 10000)),
    *[(m, (2048, 6144), (2048, 2500), (6000, 10000)) for m in
      ["gpt-5.4", "gpt-5.4-mini", "gpt-5.4-nano"]],
    ("gpt-5.2", (2048, 6144), (2048, 6144), None),
    *[(m, (2048, 1536), (2048, 1536), None) for m in  # low "= high"
      ["gpt-4.1-mini", "gpt-5-mini", "gpt-5-nano", "gpt-4.1-nano", "o4-mini"]],
]


@pytest.mark.parametrize(("name", "low", "high", "original"), LEVELS)
def test_profiles_of_section_2_2(name, low, high, original):
    m = calc.resolve_model(name)
    lv = {d: m.level("billing", d) for d in ("low", "high", "original")}
    assert (lv["low"].max_side, lv["low"].budget) == low
    assert (lv["high"].max_side, lv["high"].budget) == high
    if original is None:
        assert "original" not in m.details
    else:
        assert "original" in m.details
        assert (lv["original"].max_side, lv["original"].budget) == original


def test_gpt_4_1_mini_documented_budget_is_6144_at_every_level():
    m = calc.resolve_model("gpt-4.1-mini")
    for detail in ("low", "high"):
        lv = m.level("documented", detail)
        assert (lv.max_side, lv.budget) == (2048, 6144)


def test_the_gpt_6_models_share_one_named_profile():
    # issue 8: the gpt-6 models that share a profile name it once, not seven copies
    profiles = {calc.resolve_model(m).profile for m in
                ["gpt-6-sol", "gpt-6-luna", "gpt-6.1-sol", "gpt-6.1-terra", "gpt-6.2-astra",
                 "gpt-6.2-sol"]}
    assert len(profiles) == 1
    (shared,) = profiles
    assert shared.confidence == "inferred"
    assert calc.resolve_model("gpt-6-astra").profile.confidence == "documented"


# ---- lifecycle (§10) -----------------------------------------------------------------------------

STATUS = [  # name, day, status — "shut down" on or after the shutdown date
    ("gpt-5", "2026-12-10", "deprecated"),
    ("gpt-5", "2026-12-11", "shut down"),
    ("gpt-5", "2026-12-12", "shut down"),
    ("gpt-image-1.5", "2026-11-30", "deprecated"),
    ("gpt-image-1.5", "2026-12-01", "shut down"),
    ("gpt-4o", "2027-01-13", "deprecated"),
    ("gpt-4o", "2027-01-14", "shut down"),
    ("gpt-5.1", "2026-12-01", "deprecated"),
    ("gpt-5.1", "2027-03-31", "deprecated"),
    ("gpt-5.1", "2027-04-01", "shut down"),
    ("computer-use-preview", "2026-07-22", "deprecated"),
    ("computer-use-preview", "2026-07-23", "shut down"),
    ("o1", "2026-12-01", "shut down"),
    ("gpt-5.4", "2020-01-01", "active"),  # no shutdown date: active on any day
    ("gpt-5.4", "2099-12-31", "active"),
    ("gpt-6-astra", "2026-12-01", "active"),
    ("gpt-image-2", "2030-01-01", "active"),
]


@pytest.mark.parametrize(("name", "day", "status"), STATUS)
def test_status_on_a_given_day(name, day, status):
    m = calc.resolve_model(name)
    assert m.status(day) == status
    assert m.status(date.fromisoformat(day)) == status


@pytest.mark.parametrize(("day", "gpt_5", "gpt_4o"), [
    ("2026-12-03", "deprecated", "deprecated"), ("2026-12-11", "shut down", "deprecated"),
    ("2027-01-14", "shut down", "shut down")])
def test_status_defaults_to_the_clocks_day(day, gpt_5, gpt_4o):
    with clock.pinned(day):
        assert calc.resolve_model("gpt-5.4").status() == "active"  # no shutdown date
        assert calc.resolve_model("o1").status() == "shut down"  # 2026-10-23
        assert calc.resolve_model("gpt-5").status() == gpt_5  # 2026-12-11
        assert calc.resolve_model("gpt-4o").status() == gpt_4o  # 2027-01-14


@pytest.mark.parametrize("day", sorted(CURRENT_ON))
def test_current_models_on_a_day(day):
    """The spec's shutdown dates, both sides of each (a day that differs from today's)."""
    assert {m.name for m in calc.models(include_shut_down=False, on=day)} == CURRENT_ON[day]
    with clock.pinned(day):
        assert {m.name for m in calc.models(include_shut_down=False)} == CURRENT_ON[day]


def test_models_without_the_shut_down_ones_on_a_day():
    on = "2026-12-01"
    current = {m.name for m in calc.models(include_shut_down=False, on=on)}
    spec_current = {n for n, _, s in SPEC_MODELS if s is None or s > on}
    spec_shut = {n for n, _, s in SPEC_MODELS if s is not None and s <= on} | {"gpt-4.5-preview"}
    assert spec_current <= current
    assert not current & spec_shut
    # "gpt-5" is deprecated on that day (shuts down 2026-12-11): still offered
    assert "gpt-5" in current and "gpt-image-1.5" not in current
    every = {m.name for m in calc.models()}
    assert spec_shut <= every  # shut-down models stay estimable


def test_a_shut_down_model_is_still_estimable_and_says_so():
    e = calc.estimate(1024, 1024, "o1", "high")
    assert e.tokens == 675  # 75 + 4 × 150
    assert e.status == "shut down" and e.shutdown == "2026-10-23"
    assert any(n.kind == "lifecycle" and "2026-10-23" in n.text for n in e.notes)


# ---- prices (§9) ---------------------------------------------------------------------------------

PRICES = [  # name, input, cached input, output, cache write, as_of ("unknown" → None)
    ("gpt-6.2-astra", "8.00", "0.40", "40.00", None, "2026-12-03"),  # cached: third-party
    ("gpt-6.2-sol", "2.00", "0.10", "10.00", "2.50", "2026-12-03"),
    ("gpt-6.1-sol", "2.00", "0.10", "10.00", "2.50", "2026-11-21"),
    ("gpt-6.1-terra", "1.00", "0.05", "5.00", "1.25", "2026-11-21"),
    ("gpt-6-astra", "10.00", "1.00", "50.00", "12.50", "2026-12-03"),
    ("gpt-6-sol", "2.00", "0.20", "10.00", "2.50", "2026-11-21"),
    ("gpt-6-luna", "0.10", "0.01", "0.50", "0.125", "2026-11-21"),
    ("gpt-5.6-sol", "5.00", "0.50", "30.00", "6.25", "2026-12-03"),  # from 2026-12-01
    ("gpt-5.6-terra", "2.00", "0.20", "12.00", None, "2026-11-21"),
    ("gpt-5.6-luna", "0.20", "0.02", "1.20", None, "2026-11-21"),
    ("gpt-5.5", "5.00", "0.50", "30.00", None, "2026-11-21"),
    ("gpt-5.4", "2.50", "0.25", "15.00", None, "2026-11-21"),
    ("gpt-5.4-mini", "0.75", "0.075", "4.50", None, "2026-11-21"),
    ("gpt-5.4-nano", "0.20", None, "1.25", None, "2026-11-21"),
    ("gpt-5.2", "1.75", "0.175", "14.00", None, "2026-11-21"),
    ("gpt-5.1", "1.25", "0.125", "10.00", None, "2026-11-21"),
    ("gpt-5", "1.25", "0.125", "10.00", None, "2026-11-21"),
    ("gpt-5-mini", "0.25", "0.025", "2.00", None, "2026-11-21"),
    ("gpt-5-nano", "0.05", "0.005", "0.40", None, "2026-11-21"),
    ("gpt-4.1", "2.00", "0.50", "8.00", None, "2026-11-21"),
    ("gpt-4.1-mini", "0.40", "0.10", "1.60", None, "2026-11-21"),
    ("gpt-4o", "2.50", "1.25", "10.00", None, "2026-11-21"),
    ("gpt-4o-mini", "0.15", "0.075", "0.60", None, "2026-11-21"),
    ("o3", "2.00", "0.50", "8.00", None, "2026-11-21"),
]


def _dec(value):
    return None if value is None else Decimal(value)


@pytest.mark.today("2026-12-03")  # the spec's table is "as of 2026-12-03"
@pytest.mark.parametrize(("name", "input_", "cached", "output", "write", "as_of"), PRICES)
def test_prices_of_section_8(name, input_, cached, output, write, as_of):
    p = calc.resolve_model(name).price
    assert (p.input, p.cached_input, p.output, p.cache_write) == \
        (_dec(input_), _dec(cached), _dec(output), _dec(write))
    for value in (p.input, p.cached_input, p.output, p.cache_write):
        assert value is None or isinstance(value, Decimal)
    assert p.as_of == as_of
    assert p.source and p.confidence


IMAGE_PRICES = [  # name, text input, text cached, image input, image cached, image output
    *[(m, "5.00", "1.25", "8.00", "2.00", "30.00") for m in
      ["gpt-image-2", "gpt-image-2.5-flare", "gpt-image-2.5-sunburst", "gpt-image-2.6-flare",
       "gpt-image-2.6-sunburst"]],
    ("gpt-image-1.5", "5.00", None, "8.00", None, "32.00"),
    ("gpt-image-1-mini", "2.00", None, "2.50", None, "8.00"),
    ("gpt-image-1", "5.00", None, "10.00", None, "40.00"),
]


@pytest.mark.parametrize(("name", "text", "text_cached", "image", "image_cached", "output"),
                         IMAGE_PRICES)
def test_gpt_image_prices_of_section_8(name, text, text_cached, image, image_cached, output):
    p = calc.resolve_model(name).price
    assert (p.text_input, p.text_cached_input, p.input, p.cached_input, p.output) == \
        (_dec(text), _dec(text_cached), _dec(image), _dec(image_cached), _dec(output))


LONG_CONTEXT = [  # §9.3: above 272K input tokens, 2× input (and cached), 1.5× output
    ("gpt-6.1-sol", True), ("gpt-6.1-terra", True), ("gpt-5.4", True), ("gpt-6.2-sol", True),
    ("gpt-5.6-sol", True),  # >272K: 10.00 / 1.00 / 45.00
    ("gpt-6-astra", False), ("gpt-5.5", False), ("gpt-4o", False),
]


@pytest.mark.parametrize(("name", "has"), LONG_CONTEXT)
def test_long_context_rule_where_given(name, has):
    lc = calc.resolve_model(name).price.long_context
    if has:
        assert (lc.above, lc.input_factor, lc.output_factor) == (272000, Decimal(2),
                                                                 Decimal("1.5"))
    else:
        assert lc is None


def test_gpt_6_1_sol_long_context_prices():
    # §9.4: "above 272K input tokens: 4.00 / 0.20 / 15.00"
    p = calc.resolve_model("gpt-6.1-sol").price
    lc = p.long_context
    assert (p.input * lc.input_factor, p.cached_input * lc.input_factor,
            p.output * lc.output_factor) == (Decimal("4.00"), Decimal("0.20"), Decimal("15.00"))


def test_image_tokens_pay_the_text_input_rate():
    # §9: image tokens are billed at the model's text input rate. gpt-4o 1024² high → 765
    e = calc.estimate(1024, 1024, "gpt-4o", "high")
    assert e.usd == Decimal(765) * Decimal("2.50") / 1_000_000 == Decimal("0.0019125")
    assert isinstance(e.usd, Decimal)


def test_gpt_image_inputs_pay_the_image_input_rate():
    # §9: gpt-image-2 image input $8.00 / 1M (text $5.00). 1024² → 1024 patches (§7)
    assert calc.estimate(1024, 1024, "gpt-image-2").usd == Decimal("0.008192")
    # gpt-image-1: $10.00; 1024×1025 → 194 tokens (§16)
    assert calc.estimate(1024, 1025, "gpt-image-1").usd == Decimal("0.00194")


def test_cache_write_is_1_25_times_input_where_given():
    # §9.3: explicit caching, GPT-5.6 and later: 1.25× input where a row gives it
    for name, input_, _, _, write, _ in PRICES:
        if write is not None:
            assert Decimal(write) == Decimal(input_) * Decimal("1.25"), name


# ---- names (§11) ---------------------------------------------------------------------------------

RESOLVE = [
    ("gpt-5.6", "gpt-5.6-sol"),  # alias (§11)
    ("gpt-4.5", "gpt-4.5-preview"),
    ("gpt-5.4-mini-2026-03-17", "gpt-5.4-mini"),  # §11's dated name
    ("gpt-5.6-2026-07-15", "gpt-5.6-sol"),  # an alias followed by a date
    ("gpt-5.6-sol-2026-07-15", "gpt-5.6-sol"),
    ("gpt-6-astra-2026-09-01", "gpt-6-astra"),
    ("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini"),
    ("gpt-4o-2024-08-06", "gpt-4o"),
    ("gpt-5-2025-08-07", "gpt-5"),
    ("o1-pro-2025-03-19", "o1-pro"),
    ("gpt-image-1-mini-2025-10-06", "gpt-image-1-mini"),
    ("gpt-image-2-2026-04-21", "gpt-image-2"),
    ("gpt-4o-2028-02-29", "gpt-4o"),  # a real leap day
    ("gpt-5.4", "gpt-5.4"),
    ("gpt-6.2-sol", "gpt-6.2-sol"),
]


@pytest.mark.parametrize(("name", "expected"), RESOLVE)
def test_resolve_a_name_alias_or_dated_name(name, expected):
    assert calc.resolve_model(name).name == expected
    assert calc.estimate(64, 64, name).model == expected


UNKNOWN = [
    "gpt-5-pro", "gpt-5.4-pro", "o3-pro",  # §11: different prices, not gpt-5 / gpt-5.4 / o3
    "gpt-5.3", "gpt-5.4-pro-2026-03-17", "gpt-7",
    "gpt-5.4-mini-2026-13-45",  # not a date
    "gpt-4o-2026-02-29",  # 2026 is no leap year
    "gpt-5.4-mini-20260317",  # not -YYYY-MM-DD
    "gpt-5.4-mini-2026-03",
    "gpt-4o-2024-08-06-2024-08-06",  # one date suffix only
    "gpt-4o-latest", "gpt-5.6-sol-preview", "gpt", "", "   ",
]


@pytest.mark.parametrize("name", UNKNOWN)
def test_unknown_names(name):
    with pytest.raises(calc.UnknownModelError) as info:
        calc.resolve_model(name)
    assert isinstance(info.value, calc.CalcError)
    for fn in (calc.estimate, calc.tokens):
        with pytest.raises(calc.UnknownModelError):
            fn(64, 64, name)


def test_unknown_model_names_close_ones():
    with pytest.raises(calc.UnknownModelError, match="did you mean gpt-4.1-mini"):
        calc.resolve_model("gpt4.1-mini")
    with pytest.raises(calc.UnknownModelError, match="gpt-5.6-sol"):
        calc.resolve_model("gpt-5.3")  # the message lists models to choose from


def test_a_huge_name_gets_a_short_message():
    name = "gpt-" + "x" * 100_000
    with pytest.raises(calc.UnknownModelError) as info:
        calc.resolve_model(name)
    message = str(info.value)
    assert len(message) < 2_000
    assert "x" * 100 not in message  # never echoed whole


def test_the_resolve_cache_stays_bounded():
    info = cat.resolve_model.cache_info()
    assert info.maxsize is not None
    # 1,500 distinct valid dated names (1,500 days from 2023-01-01) and as many unknown ones
    start = date(2023, 1, 1).toordinal()
    for i in range(1_500):
        day = date.fromordinal(start + i).isoformat()
        assert calc.resolve_model(f"gpt-4o-{day}").name == "gpt-4o"
        with pytest.raises(calc.UnknownModelError):
            calc.resolve_model(f"gpt-4o-pro-{day}")
    assert cat.resolve_model.cache_info().currsize <= cat.resolve_model.cache_info().maxsize
    assert info.maxsize < 1_500  # the loop really went past the bound


def test_tokens_stays_bounded_over_many_dated_names():
    from calc.engine import estimate as est
    from calc.engine import rules as r

    start = date(2020, 1, 1).toordinal()
    for i in range(5_000):
        day = date.fromordinal(start + i).isoformat()
        assert calc.tokens(1, 1, f"gpt-4o-{day}") == 255
    assert len(est._COUNTERS) <= 4097
    assert r.plan_for.cache_info().currsize <= r.plan_for.cache_info().maxsize
