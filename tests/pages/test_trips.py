"""A trip to another page and back (AppTest's switch_page, as the menu goes): Plan comes back as it
was — every setting of both views, the mix's edits, the view, the address — and so does Explore.
A link counts only on the page it opened; a link of nothing usable still opens a working page
(Plan and Explore)."""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from calc.views.inert import md
from calc.views.plan import settings as ps
from calc.views.plan import workload as wl
from calc.views.plan.month import months
from tests.fakes.apptest import address, page, run

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PLAN, EXPLORE, VERIFY, METERED = (f"pages/{name}.py"
                                  for name in ("plan", "explore", "verify", "metered"))
# Every field differs from its default (the first test checks it): one that did not come back
# would show. A field added to Settings makes that test fail until it is given a value here.
SETTINGS = ps.Settings(source="csv", models=("gpt-5.4", "gpt-4o"), detail="high",
                       rules="documented", file_means="month", backlog=123, rpd=456,
                       per="month", days=22, ipr=7, prompt=600, output=300, reasoning=50,
                       cached=25, writes=3, tier="flex", regional=True, tpm=90_000, rpm=500,
                       shut_down=True, month=months()[2],  # two months ahead of the run's day
                       view="generate")
GEN = ps.GenSettings("gpt-image-1", "high", "1024x1536", 3, 2, 77, 20, "batch", True, "high",
                     format="jpeg")
# Typed tokens, complexity and GIF frames have widgets only on gpt-image-2.5 / 2.6, where
# fidelity has none: one visitor cannot set all of them. Their trip through the link is
# tests/pages/test_plan_generate_page.py's; through page_state they are kept like any other.
ONLY_ON_2_6 = ("tokens", "complexity", "frames")
PRESETS = tuple((p.width, p.height, p.share) for p in wl.SIZE_PRESETS)


def widgets(s: ps.Settings, g: ps.GenSettings) -> dict[str, object]:
    """The values Plan's widgets hold for these settings (pages/plan.py: plan_*, gen_*)."""
    values = {f"plan_{f.name}": getattr(s, f.name) for f in fields(s)}
    values["plan_models"] = list(s.models)
    values.update({f"gen_{f.name}": getattr(g, f.name) for f in fields(g)
                   if f.name not in ONLY_ON_2_6})
    return values


def held(at: AppTest, keys) -> dict[str, object]:
    return {key: at.session_state[key] for key in keys}


def drawn(values: dict[str, object], view: str) -> dict[str, object]:
    """The values of the view on screen (a hidden view's widgets hold nothing after a run: its
    settings show in the address)."""
    return {k: v for k, v in values.items() if k.startswith("plan_" if view == "workload"
                                                            else "gen_")}


def to(at: AppTest, script: str) -> AppTest:
    at.switch_page(script)
    return run(at)


def on_plan() -> AppTest:
    return to(run(AppTest.from_file(APP, default_timeout=120)), PLAN)


def test_every_field_differs_from_its_default():
    for chosen, default in ((SETTINGS, ps.Settings()), (GEN, ps.GenSettings())):
        assert [f.name for f in fields(chosen) if f.name not in ONLY_ON_2_6
                and getattr(chosen, f.name) == getattr(default, f.name)] == []


KINDS = ("number_input", "multiselect", "selectbox", "radio", "toggle", "segmented_control")


def choose(at: AppTest, values: dict[str, object]) -> AppTest:
    """Set each value with its widget, as a visitor would (one run each: a choice can change
    what the next widget offers)."""
    for key, value in values.items():
        (widget,) = [w for kind in KINDS for w in at.get(kind) if w.key == key]
        widget.set_value(value)
        run(at)
    return at


def chosen_with_the_widgets() -> AppTest:
    at = on_plan()
    plan = widgets(SETTINGS, GEN)
    # first what makes the others drawn and enabled: the file's inputs, a sample's volume
    # (backlog and requests a day both open), shut-down models offered
    choose(at, {"plan_source": "csv", "plan_file_means": "sample", "plan_shut_down": True})
    settings = {k: v for k, v in plan.items() if k.startswith("plan_")}
    means = settings.pop("plan_file_means")  # last: "month" closes requests a day
    view = settings.pop("plan_view")  # then the view
    choose(at, settings | {"plan_file_means": means})
    choose(at, {"plan_view": view, "gen_show_shut_down": True})
    choose(at, {"gen_model": GEN.model, "gen_edit": True})
    choose(at, {k: v for k, v in plan.items() if k.startswith("gen_")})
    return at


@pytest.mark.parametrize("view", ["workload", "generate"])
def test_a_trip_to_every_other_page_brings_every_setting_and_the_address_back(view):
    at = choose(chosen_with_the_widgets(), {"plan_view": view})
    settings = replace(SETTINGS, view=view)
    on_screen = drawn(widgets(settings, GEN), view)
    assert held(at, on_screen) == on_screen
    before = address(at)
    assert before == ps.to_query(settings, GEN)  # every setting of both views, and the view
    for other in (EXPLORE, VERIFY, METERED):
        to(to(at, other), PLAN)
        assert held(at, on_screen) == on_screen, other
        assert address(at) == before, other
        assert at.segmented_control(key="plan_view").value == view


def test_a_trip_keeps_what_was_chosen_with_the_widgets():
    """The issue's steps: models, a volume and a tier chosen on the page, a glance at Explore."""
    at = on_plan()
    at.multiselect(key="plan_models").set_value(["gpt-5.4"])
    at.number_input(key="plan_rpd").set_value(777)
    at.segmented_control(key="plan_tier").set_value("flex")
    run(at)
    to(to(at, EXPLORE), PLAN)
    assert at.multiselect(key="plan_models").value == ["gpt-5.4"]
    assert at.number_input(key="plan_rpd").value == 777
    assert at.segmented_control(key="plan_tier").value == "flex"
    shown = address(at)
    assert (shown["models"], shown["rpd"], shown["tier"]) == ("gpt-5.4", "777", "flex")
    assert any(d.value["model"].tolist() == ["gpt-5.4"] for d in at.dataframe
               if "$ / month" in d.value.columns)


def test_the_mix_comes_back_with_its_edits():
    at = on_plan()
    edited = pd.DataFrame({"name": ["Scan", "Icon"], "width": [2550, 64], "height": [3300, 64],
                           "share": [70.0, 30.0]})
    at.session_state["plan_mix_current"] = edited  # what the editor holds once edited
    to(to(at, EXPLORE), PLAN)
    assert address(at)["mix"] == "2550x3300:70,64x64:30"
    assert "Scan" in at.session_state["plan_mix_base"]["name"].tolist()


def test_a_link_counts_only_on_the_page_it_opened():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"tier": "batch", "detail": "low", "rules": "documented"})
    run(at)  # Explore, opened with the link
    assert at.session_state["explore_tier"] == "batch"
    to(at, PLAN)
    assert held(at, ["plan_tier", "plan_detail", "plan_rules"]) == {
        "plan_tier": "standard", "plan_detail": "auto", "plan_rules": "billing"}
    assert not at.warning


def test_days_0_in_a_link_is_the_default_with_the_range_not_1():
    at = run(_with_query(days="0", gdays="40"))
    assert (at.session_state["plan_days"], at.session_state["gen_days"]) == (30, 30)
    assert [w.value for w in at.warning] == [md(
        "From the link: days '0' cannot be used: days must be a whole number from 1 to 31; the "
        "default (30) instead"), md(
        "From the link: gdays '40' cannot be used: gdays must be a whole number from 1 to 31; "
        "the default (30) instead")]
    assert (address(at)["days"], address(at)["gdays"]) == ("30", "30")
    at.number_input(key="plan_rpd").set_value(2000)
    run(at)
    assert not at.warning  # said once, not on every change after


def _with_query(**query: str) -> AppTest:
    at = AppTest.from_file(page("plan.py"), default_timeout=120)
    at.query_params.update(query)
    return at


def test_a_plan_link_of_nothing_usable_opens_a_working_page():
    keys = ps.link_keys()
    at = run(_with_query(**dict.fromkeys(keys, "??")))
    assert len(at.warning) == len(keys)  # one notice per value
    table = next(d.value for d in at.dataframe if "$ / month" in d.value.columns)
    assert sorted(table["model"]) == sorted(ps.Settings().models)
    assert address(at) == ps.to_query(ps.Settings(), ps.GenSettings(), PRESETS)


def test_an_explore_link_of_nothing_usable_opens_a_working_page():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(dict.fromkeys(
        ("model", "detail", "fidelity", "rules", "tier", "w", "h", "url", "sample"), "??"))
    run(at)
    assert len(at.warning) == 8  # one per value; w and h are one size
    assert {m.label for m in at.metric} >= {"Tokens", "$ per image"}
    assert address(at)["sample"] == "phone-photo"


def test_explore_comes_back_too_with_a_control_it_drew_after_its_first_run():
    at = run(AppTest.from_file(APP, default_timeout=120))
    at.button_group(key="explore_source").set_value("Width × height")
    run(at)
    at.number_input(key="explore_w").set_value(2048)
    at.button_group(key="explore_tier").set_value("flex")
    run(at)
    for other in (PLAN, VERIFY):
        to(to(at, other), "pages/explore.py")
        assert at.number_input(key="explore_w").value == 2048
        assert (address(at)["w"], address(at)["tier"]) == ("2048", "flex")
