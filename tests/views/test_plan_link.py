"""A Plan share link, read (calc.views.plan.settings.from_query): every value is taken as given or
falls back to its default with one notice that says why and what is allowed; a mix's sizes are
held to the workload's own rule. Every range below is typed here, never read from the code."""

from __future__ import annotations

from dataclasses import fields

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calc.views.plan import settings as ps
from calc.views.plan import workload as wl

# key, lowest, highest, default: the ranges of Plan's number inputs (Generate's keys start with g)
RANGES = [
    ("backlog", 0, 1_000_000_000_000, 0),
    ("rpd", 0, 1_000_000_000, 1_000),
    ("days", 1, 31, 30),
    ("ipr", 1, 100_000, 1),
    ("prompt", 0, 100_000_000, 0),
    ("output", 0, 100_000_000, 0),
    ("reasoning", 0, 100_000_000, 0),
    ("cached", 0, 100, 0),
    ("writes", 0, 1_000_000_000, 0),
    ("tpm", 0, 1_000_000_000_000, 0),
    ("rpm", 0, 1_000_000_000, 0),
    ("gn", 1, 10, 1),
    ("gpartial", 0, 3, 0),
    ("grpd", 0, 1_000_000_000, 100),
    ("gdays", 1, 31, 30),
]
# key, every value allowed, default
CHOICES = [
    ("source", ["mix", "images", "csv"], "mix"),
    ("detail", ["low", "high", "auto", "original"], "auto"),
    ("rules", ["billing", "documented"], "billing"),
    ("file_means", ["backlog", "day", "month", "sample"], "backlog"),
    ("per", ["day", "month"], "day"),
    ("view", ["workload", "generate"], "workload"),
    ("tier", ["standard", "batch", "flex", "fast", "ultrafast", "background-2h",
              "background-8h"], "standard"),
    ("gtier", ["standard", "batch", "flex", "fast", "ultrafast", "background-2h",
               "background-8h"], "standard"),
    ("gfidelity", ["low", "high"], "low"),
]
SWITCHES = [("regional", False), ("shut_down", False), ("gedit", False)]


def read(params: dict) -> tuple[dict, list[str]]:
    """Every setting by its link key, and the notices."""
    s, g, mix, notices = ps.from_query(params)
    values = {f.name: getattr(s, f.name) for f in fields(s)}
    values.update({"g" + f.name: getattr(g, f.name) for f in fields(g)})
    values["mix"] = mix
    return values, notices


def notices_for(key: str, notices: list[str]) -> list[str]:
    return [n for n in notices if n.startswith(f"{key} ")]


@pytest.mark.parametrize(("key", "low", "high", "default"), RANGES)
def test_each_range_takes_its_bounds_and_refuses_past_them(key, low, high, default):
    for inside in (low, high, (low + high) // 2):
        assert read({key: str(inside)}) == (read({})[0] | {key: inside}, [])
    for outside in (low - 1, high + 1, f"{high}0"):
        values, notices = read({key: str(outside)})
        assert values[key] == default  # never bent to the nearest bound
        (notice,) = notices
        assert notice == (f"{key} '{outside}' cannot be used: {key} must be a whole number from "
                          f"{low:,} to {high:,}; the default ({default}) instead")


@pytest.mark.parametrize("raw", ["", " ", "1.0", "1e3", "+5", "5_0", "٣", "０", "x", "2,000",
                                 "1" * 5000])
def test_only_plain_digits_are_a_whole_number(raw):
    values, notices = read({"days": raw})
    assert values["days"] == 30
    assert len(notices_for("days", notices)) == 1 and "from 1 to 31" in notices[0]


def test_days_0_is_not_quietly_1():
    values, notices = read({"days": "0", "gdays": "0"})
    assert (values["days"], values["gdays"]) == (30, 30)
    assert len(notices) == 2


@pytest.mark.parametrize(("key", "allowed", "default"), CHOICES)
def test_each_choice_takes_its_words_and_names_them_when_refusing(key, allowed, default):
    for word in allowed:
        values, notices = read({key: word})
        assert values[key] == word
        assert notices == [] or notices == [
            "this link holds the plan's settings, not your file: upload it again"]
    for bad in ("nope", allowed[0].upper(), f" {allowed[0]}"):
        values, notices = read({key: bad})
        assert values[key] == default
        assert notices == [f"{key} {bad!r} cannot be used: {key} must be one of "
                           f"{', '.join(allowed)}; the default ({default}) instead"]


@pytest.mark.parametrize(("key", "default"), SWITCHES)
def test_switches_are_0_or_1(key, default):
    assert read({key: "1"})[0][key] is True and read({key: "0"})[0][key] is False
    for bad in ("yes", "true", "2", ""):
        values, notices = read({key: bad})
        assert values[key] is default
        assert notices == [f"{key} {bad!r} cannot be used: {key} must be 0 (off) or 1 (on); "
                           "the default (0) instead"]


DEFAULT_MODELS = ("gpt-6-luna", "gpt-5.6-luna", "gpt-5.4-mini", "gpt-6-sol", "gpt-5.6-sol",
                  "gpt-6-astra")


def test_models_keep_the_good_names_and_name_the_others():
    assert read({"models": "gpt-5.4,gpt-4o"}) == (read({})[0] | {"models": ("gpt-5.4", "gpt-4o")},
                                                  [])
    assert read({"models": "gpt-4.1-mini-2025-04-14"})[0]["models"] == ("gpt-4.1-mini",)
    values, notices = read({"models": "gpt-5.4,gpt-image-1,gpt-99"})
    assert values["models"] == ("gpt-5.4",)
    assert notices == ["models 'gpt-image-1', 'gpt-99' cannot be used: models must be names of "
                       "the catalogue's tile or patch models; left out"]


@pytest.mark.parametrize("raw", ["", "gpt-image-1", "gpt-99,,", ",".join(["gpt-5.4"] * 61)])
def test_no_usable_model_means_the_default_models_with_one_notice(raw):
    values, notices = read({"models": raw})
    assert values["models"] == DEFAULT_MODELS
    (notice,) = notices
    assert notice.startswith("models ") and notice.endswith(
        "the default (gpt-6-luna, gpt-5.6-luna, gpt-5.4-mini, gpt-6-sol, gpt-5.6-sol, "
        "gpt-6-astra) instead")


def test_generate_model_quality_and_size_follow_the_model():
    values, notices = read({"gmodel": "gpt-image-2.5-flare", "gquality": "xhigh",
                            "gsize": "3840x2160"})
    assert (values["gmodel"], values["gquality"], values["gsize"], notices) == (
        "gpt-image-2.5-flare", "xhigh", "3840x2160", [])
    values, notices = read({"gmodel": "gpt-image-1", "gquality": "xhigh", "gsize": "2048x2048"})
    assert (values["gquality"], values["gsize"]) == ("medium", "1024x1024")
    assert notices == [
        "gquality 'xhigh' cannot be used: gquality must be one of low, medium, high; the default "
        "(medium) instead",
        "gsize '2048x2048' cannot be used: gsize must be one of 1024x1024, 1024x1536, 1536x1024; "
        "the default (1024x1024) instead"]
    values, notices = read({"gmodel": "gpt-4o"})
    assert values["gmodel"] == "gpt-image-2" and len(notices) == 1
    assert "gpt-image-1-mini" in notices[0]  # names the image models allowed


# --- the mix: held to the workload's rule (1 to 100,000 px a side; any such size is one) ----------


@pytest.mark.parametrize(("entry", "kept"), [
    ("1x1:5", (1, 1, 5.0)),
    ("100000x1:5", (100_000, 1, 5.0)),
    ("1x100000:5", (1, 100_000, 5.0)),
    ("10000x10000:5", (10_000, 10_000, 5.0)),  # 100 megapixels
    ("20000x10000:5", (20_000, 10_000, 5.0)),  # 200 megapixels: the API resizes it
    ("1024 × 768 : 2.5", (1024, 768, 2.5)),
    ("1024X768:1e1", (1024, 768, 10.0)),
])
def test_a_mix_size_inside_the_workload_rule_is_kept(entry, kept):
    assert read({"mix": entry}) == (read({})[0] | {"mix": (kept,)}, [])


@pytest.mark.parametrize(("entry", "why"), [
    ("100001x1:5", "width is over 100,000 px"),
    ("1x100001:5", "height is over 100,000 px"),
    ("0x10:5", "width is zero"),
])
def test_a_mix_size_outside_it_is_left_out_with_the_reason_and_the_rule(entry, why):
    values, notices = read({"mix": f"{entry},640x480:50"})
    assert values["mix"] == ((640, 480, 50.0),)
    assert notices == [f"mix entry {entry!r} cannot be used: {why} (a size is 1 to 100,000 px a "
                       "side); left out"]


@pytest.mark.parametrize("entry", ["1024x768", "1024x768:-5", "-1x5:5", "1024x768:abc",
                                   "axb:5", "1024x768:1e999", "1024*768:5"])
def test_a_mix_entry_that_is_not_one_is_left_out(entry):
    values, notices = read({"mix": f"{entry},640x480:50"})
    assert values["mix"] == ((640, 480, 50.0),)
    assert notices == [f"mix entry {entry!r} cannot be used: an entry is WIDTHxHEIGHT:SHARE, "
                       "whole pixels and a share of 0 or more (e.g. 1024x768:40); left out"]


def test_a_zero_share_is_kept_as_the_editor_keeps_it():
    assert read({"mix": "640x480:0,800x600:10"})[0]["mix"] == ((640, 480, 0.0), (800, 600, 10.0))


@pytest.mark.parametrize(("raw", "notice"), [
    ("", "mix: no size has a share above zero; the preset mix is used instead"),
    ("640x480:0", "mix: no size has a share above zero; the preset mix is used instead"),
    ("junk", "mix entry 'junk' cannot be used: an entry is WIDTHxHEIGHT:SHARE, whole pixels and a "
             "share of 0 or more (e.g. 1024x768:40); left out, and with no usable size left the "
             "preset mix is used instead"),
])
def test_a_mix_with_no_usable_size_is_the_presets_with_one_notice(raw, notice):
    assert read({"mix": raw}) == (read({})[0], [notice])


def test_each_refused_entry_has_its_notice_and_the_last_says_what_is_used_instead():
    values, notices = read({"mix": "0x1:5,junk"})
    assert values["mix"] == ()
    assert [n.split(";")[-1] for n in notices] == [
        " left out", " left out, and with no usable size left the preset mix is used instead"]


def test_a_mix_has_at_most_50_sizes():
    values, notices = read({"mix": ",".join(f"{w}x10:1" for w in range(1, 61))})
    assert len(values["mix"]) == 50
    assert notices == ["mix: only the first 50 of its 60 sizes are used (a mix has at most 50)"]


sides = st.integers(0, 120_000)
shares = st.one_of(st.integers(0, 10**6).map(str), st.decimals(0, 1000, places=3).map(str))


@given(sides, sides, shares)
def test_the_link_and_the_workload_hold_a_mix_size_to_one_rule(w, h, share):
    values, notices = read({"mix": f"{w}x{h}:{share}"})
    workload = wl.mix_workload(wl.mix_table([(w, h, float(share))]))
    accepted_by_workload = len(workload.bad_rows) == 0
    kept = values["mix"] != () or (accepted_by_workload and float(share) == 0)
    assert kept == accepted_by_workload
    assert (len(notices_for("mix entry", notices)) == 0) == accepted_by_workload


# --- any link at all -----------------------------------------------------------------------------

MODEL_NAMES = ["gpt-5.4", "gpt-4o", "gpt-6-luna", "gpt-image-1", "gpt-image-2.5-flare",
               "gpt-4.1-mini-2025-04-14", "gpt-99", ""]
BOUNDARY = ["0", "1", "3", "10", "31", "32", "100", "101", "100000", "1000000000",
            "1000000001", "1000000000000", "1000000000001", "-1", "1.5", "1e3", " 7 ", "", "٣"]
WORDS = ["mix", "images", "csv", "low", "medium", "high", "auto", "original", "xhigh",
         "billing", "documented", "backlog", "day", "month", "sample", "standard", "batch",
         "flex", "priority", "1024x1024", "2048x2048", "3840x2160", "yes", "None", "workload",
         "generate"]


@st.composite
def mixes(draw) -> str:
    entry = st.tuples(st.integers(0, 200_000), st.integers(0, 200_000), shares).map(
        lambda e: f"{e[0]}x{e[1]}:{e[2]}")
    return ",".join(draw(st.lists(st.one_of(entry, st.text(max_size=12)), max_size=6)))


link_values = st.one_of(
    st.sampled_from(BOUNDARY + WORDS),
    st.integers(-10**13, 10**13).map(str),
    st.lists(st.sampled_from(MODEL_NAMES), max_size=4).map(",".join),
    mixes(),
    st.text(max_size=30),
)
link_keys = st.sampled_from([*ps.link_keys(), "other", "utm_source"])


@given(st.dictionaries(link_keys, st.one_of(link_values, st.lists(link_values, max_size=3))))
def test_any_link_gives_usable_settings_and_one_notice_per_refused_value(params):
    s, g, mix, notices = ps.from_query(params)
    ps.check(s)
    ps.check_gen(g)
    assert s.models  # a page with something to compare
    assert len(wl.mix_workload(wl.mix_table(mix)).bad_rows) == 0
    assert mix == () or any(share > 0 for _, _, share in mix)
    assert all(isinstance(n, str) and n for n in notices)
    values, _ = read(params)
    for key, raw in params.items():
        if key not in values or key == "mix":
            continue
        last = raw[-1] if isinstance(raw, list) and raw else raw if isinstance(raw, str) else ""
        said = notices_for(key, notices)
        assert len(said) <= 1
        if "model" in key:
            continue  # names resolve to canonical ones (gpt-4.1-mini-2025-04-14 → gpt-4.1-mini)
        got = values[key]
        as_given = {True: "1", False: "0"}.get(got, str(got)) if not isinstance(got, tuple) \
            else ",".join(got)
        taken = as_given == (last.strip().lstrip("0") or "0" if last.strip().isdigit() else last)
        assert taken or said, (key, last, got)  # never quietly another value


def valid_settings():
    whole = {name: st.integers(r.low, r.high) for name, r in ps.RULES.items()
             if isinstance(r, ps.Whole)}
    return st.builds(
        ps.Settings, **whole,
        source=st.sampled_from(ps.SOURCES), detail=st.sampled_from(["low", "high", "auto"]),
        rules=st.sampled_from(["billing", "documented"]), file_means=st.sampled_from(ps.FILE_MEANS),
        per=st.sampled_from(["day", "month"]), view=st.sampled_from(["workload", "generate"]),
        tier=st.sampled_from(["standard", "flex"]), regional=st.booleans(),
        shut_down=st.booleans(),
        models=st.lists(st.sampled_from(["gpt-5.4", "gpt-4o", "gpt-6-luna", "gpt-4.1-mini"]),
                        min_size=1, max_size=4, unique=True).map(tuple))


valid_mix = st.lists(st.tuples(st.integers(1, 10_000), st.integers(1, 10_000),
                               st.floats(0.001, 1000, allow_nan=False)), min_size=1, max_size=5)


@given(valid_settings(), st.sampled_from([ps.GenSettings(), ps.GenSettings(
    "gpt-image-1", "high", "1024x1536", 3, 2, 77, 20, "batch", True, "high")]), valid_mix)
def test_every_address_the_page_writes_reads_back_the_same_without_a_notice(s, g, mix):
    mix = tuple(mix) if s.source == "mix" else ()
    assert ps.from_query(ps.to_query(s, g, mix)) == (s, g, mix, [] if s.source == "mix" else [
        "this link holds the plan's settings, not your file: upload it again"])


def test_every_setting_has_a_rule():
    assert list(ps.RULES) == [f.name for f in fields(ps.Settings)]
    assert set(ps.GEN_RULES) == {f.name for f in fields(ps.GenSettings)}
    assert ps.check(ps.Settings()) and ps.check_gen(ps.GenSettings())
