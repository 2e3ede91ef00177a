"""calc.views.explore_link: the Explore page's state ↔ query string, with defaults and notices."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import calc
from calc.views.explore_link import KEYS, ViewState, decode, encode

DEFAULT = ViewState()


def test_an_empty_link_is_the_default_view():
    assert decode({}) == (DEFAULT, [])
    assert (DEFAULT.model, DEFAULT.detail, DEFAULT.fidelity, DEFAULT.rules, DEFAULT.tier) == (
        "gpt-5.6-sol", "auto", "low", "billing", "standard")  # a current mainstream model


def test_a_full_link():
    state, notices = decode({"model": "gpt-image-1", "detail": "high", "fidelity": "high",
                             "rules": "documented", "tier": "batch", "w": "2048", "h": "4096"})
    assert notices == []
    assert state == ViewState("gpt-image-1", "high", "high", "documented", "batch",
                              size=(2048, 4096))


def test_encode_is_plain_strings_and_never_bytes():
    params = encode(ViewState("gpt-5.4", "original", size=(6000, 4000)))
    assert params == {"model": "gpt-5.4", "detail": "original", "rules": "billing",
                      "tier": "standard", "w": "6000", "h": "4000"}
    assert encode(ViewState(url="https://example.com/a.png"))["url"] == "https://example.com/a.png"
    assert encode(ViewState(sample="icon"))["sample"] == "icon"
    assert encode(ViewState("gpt-image-1", fidelity="high"))["fidelity"] == "high"
    assert "fidelity" not in encode(ViewState("gpt-4o"))  # only where it applies


def test_one_source_at_most():
    with pytest.raises(ValueError):
        ViewState(size=(1, 1), sample="icon")


MODELS = [m.name for m in calc.models()]


@st.composite
def views(draw):
    model = draw(st.sampled_from(MODELS))
    m = calc.resolve_model(model)
    fidelity = draw(st.sampled_from(m.fidelities)) if m.family == "image" else "low"
    source = draw(st.sampled_from(["none", "size", "url", "sample"]))
    extra = {}
    if source == "size":
        extra["size"] = (draw(st.integers(1, 1_000_000)), draw(st.integers(1, 1_000_000)))
    elif source == "url":
        path = draw(st.text("abcxyz/._-?=&%0123456789", max_size=40))
        extra["url"] = draw(st.sampled_from(["http", "https"])) + "://example.com/" + path
    elif source == "sample":
        extra["sample"] = draw(st.sampled_from(["phone-photo", "screenshot", "document", "icon"]))
    return ViewState(model, draw(st.sampled_from(m.details)), fidelity,
                     draw(st.sampled_from(calc.RULE_SETS)), draw(st.sampled_from(calc.TIERS)),
                     **extra)


@given(views())
def test_round_trip(view):
    params = encode(view)
    assert set(params) <= set(KEYS)
    assert all(isinstance(v, str) for v in params.values())
    assert decode(params) == (view, [])


def test_model_names_resolve_like_the_api():
    assert decode({"model": "gpt-4.1-mini-2025-04-14"})[0].model == "gpt-4.1-mini"
    assert decode({"model": "gpt-4.5"})[0].model == "gpt-4.5-preview"


@pytest.mark.parametrize(("params", "expected", "word"), [
    ({"model": "gpt-99"}, DEFAULT, "gpt-99"),
    ({"model": ""}, DEFAULT, "model"),
    ({"model": "gpt-4o", "detail": "original"}, ViewState("gpt-4o"), "original"),
    ({"detail": "ultra"}, DEFAULT, "ultra"),
    ({"model": "gpt-image-1", "detail": "low"}, ViewState("gpt-image-1"), "low"),
    ({"model": "gpt-image-1-mini", "fidelity": "high"}, ViewState("gpt-image-1-mini"), "high"),
    ({"fidelity": "medium"}, DEFAULT, "medium"),
    ({"rules": "folklore"}, DEFAULT, "folklore"),
    ({"tier": "cheapest"}, DEFAULT, "cheapest"),
    ({"w": "0", "h": "10"}, DEFAULT, "size"),
    ({"w": "-5", "h": "10"}, DEFAULT, "size"),
    ({"w": "abc", "h": "10"}, DEFAULT, "size"),
    ({"w": "1e3", "h": "10"}, DEFAULT, "size"),
    ({"w": "１２", "h": "10"}, DEFAULT, "size"),  # full-width digits
    ({"w": "1000001", "h": "10"}, DEFAULT, "size"),
    ({"w": "100"}, DEFAULT, "size"),
    ({"url": "javascript:alert(1)"}, DEFAULT, "URL"),
    ({"url": "file:///etc/passwd"}, DEFAULT, "URL"),
    ({"url": "https://"}, DEFAULT, "URL"),
    ({"url": "https://example.com/" + "a" * 3000}, DEFAULT, "URL"),
    ({"url": "http://[::1"}, DEFAULT, "URL"),
    ({"sample": "cat"}, DEFAULT, "cat"),
])
def test_bad_values_fall_back_with_a_notice(params, expected, word):
    state, notices = decode(params)
    assert state == expected
    assert len(notices) == 1
    assert word in notices[0]


def test_good_values_survive_bad_neighbours():
    state, notices = decode({"model": "gpt-5-mini", "detail": "nope", "tier": "batch",
                             "rules": "??", "sample": "icon"})
    assert state == ViewState("gpt-5-mini", tier="batch", sample="icon")
    assert len(notices) == 2


def test_several_sources_keep_one_and_say_so():
    state, notices = decode({"sample": "icon", "url": "https://example.com/a.png",
                             "w": "10", "h": "20"})
    assert state.sample == "icon" and state.url is None and state.size is None
    assert len(notices) == 1 and "several" in notices[0]
    state, notices = decode({"url": "https://example.com/a.png", "w": "10", "h": "20"})
    assert state.url == "https://example.com/a.png" and state.size is None


def test_repeated_parameters_count_by_their_last_value():
    state, notices = decode({"model": ["gpt-99", "gpt-5"], "w": ["1", "640"], "h": "480"})
    assert (state.model, state.size, notices) == ("gpt-5", (640, 480), [])


def test_fidelity_on_a_model_without_it_is_quietly_default():
    assert decode({"model": "gpt-4o", "fidelity": "high"}) == (ViewState("gpt-4o"), [])


def test_unknown_keys_are_ignored():
    assert decode({"utm_source": "mail", "embed": "true"}) == (DEFAULT, [])


def test_a_links_first_values_for_the_controls():
    from calc.views.explore_link import CONTROLS, first_values

    values, notices = first_values({"model": "gpt-4o", "tier": "batch", "w": "640", "h": "480"})
    assert notices == []
    assert values == {**CONTROLS, "explore_model": "gpt-4o", "explore_tier": "batch",
                      "explore_source": "Width × height", "explore_w": 640, "explore_h": 480}
    values, notices = first_values({"sample": "nope"})
    assert values == CONTROLS and len(notices) == 1  # the defaults, and what was ignored
    assert CONTROLS["explore_source"] == "Sample" and CONTROLS["explore_tier"] == "standard"


@pytest.mark.parametrize(("image", "source"), [
    (None, {}),
    ({"kind": "url", "url": "https://example.com/a.png", "size": (9, 9), "sample": None},
     {"url": "https://example.com/a.png"}),
    ({"kind": "sample", "sample": "icon", "url": None, "size": (256, 256)}, {"sample": "icon"}),
    ({"kind": "upload", "size": (3024, 4032), "url": None, "sample": None},  # bytes never travel
     {"size": (3024, 4032)}),
    ({"kind": "size", "size": (800, 600), "url": None, "sample": None}, {"size": (800, 600)}),
])
def test_the_view_a_link_shares(image, source):
    from calc.views.explore_link import shared_view

    choice = dict(model="gpt-4o", detail="high", fidelity="low", rules="billing", tier="flex")
    assert shared_view(choice, image) == ViewState(**choice, **source)
