"""The "How it's metered" page under AppTest: every tab renders, and its checks show the notes'
numbers (docs/metering.md, edition 2026-12-03), written out here by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import calc
from calc.engine import clock
from tests.fakes.apptest import shown
from tests.fakes.html_tables import tables

# The page on the catalogue's edition day: its scheduled changes are the next 90 days', and a
# later day adds the note that the prices were checked long ago.
EDITION_DAY = "2026-12-03"
pytestmark = pytest.mark.today(EDITION_DAY)

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "pages" / "metered.py"
SECTIONS = ["The rules", "Profiles", "Worked examples", "Measured evidence", "Generated images",
            "Prices", "Lifecycle", "Guide vs billing", "History"]

GUIDE_EXAMPLES = {  # (model, size, detail) → the guide's number (§3, §4)
    ("gpt-4o", "1024×1024", "high"): "765",
    ("gpt-4o", "2048×4096", "high"): "1,105",
    ("gpt-4o", "4096×8192", "low"): "85",
    ("gpt-5.4", "1024×1024", "high"): "1,229",
    ("gpt-5.4", "2048×2048", "high"): "3,000",
    ("gpt-6-astra", "2048×2048", "high"): "3,000",
    ("gpt-5-mini", "1800×2400", "high"): "1,452",  # patches
}
MEASURED = [  # §16, in its order
    ("gpt-4o", "1×1", "255"), ("gpt-4o", "1×1", "85"), ("gpt-4.1", "2049×513", "1,445"),
    ("gpt-4.1", "2050×513", "765"), ("gpt-4.1-mini", "4000×1474", "2,489"),
    ("gpt-4.1-mini", "2400×1800", "2,353"), ("gpt-4.1-mini", "128×64", "13"),
    ("gpt-5-mini", "512×512", "308"), ("gpt-5-mini", "2048×768", "1,844"),
    ("gpt-5-mini", "1600×1600", "1,826"), ("gpt-5-nano", "1600×1600", "2,282"),
    ("gpt-5.4, gpt-5.4-mini, gpt-5.4-nano", "1600×1600", "3,000"),
    ("gpt-5.6-sol, gpt-6-sol", "7952×5304", "rejected, 41,334 patches"),
    ("gpt-5.6-sol, gpt-5.6-terra, gpt-5.6-luna, gpt-6-astra, gpt-6-sol, gpt-6-luna, gpt-6.1-sol, "
     "gpt-6.1-terra, gpt-6.2-astra, gpt-6.2-sol", "6560×4928", "rejected, 31,570 patches"),
    ("gpt-image-1", "1024×1025", "194"), ("gpt-image-1", "1023×1024", "194"),
    ("gpt-image-1", "512×513", "323"), ("gpt-image-2", "1024×1024", "7,024"),
]


def run(**query) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=30)
    at.query_params.update(query)
    return at.run()


@pytest.fixture(scope="module")
def metered() -> AppTest:
    with clock.pinned(EDITION_DAY):  # a module fixture runs before the tests' own day is set
        return run()


def html_tables(at: AppTest, doc: bool = True) -> list[pd.DataFrame]:
    """Every table the page draws (its own HTML), as the browser reads it: text cells. `doc`:
    docs/metering.md's own tables too (in the first tab's expander)."""
    in_doc = {id(el) for e in at.expander if e.label.startswith("docs/metering.md")
              for el in e.get("html")}
    return [pd.DataFrame(t[1:], columns=t[0]) for el in at.get("html")
            if doc or id(el) not in in_doc for t in tables(el.proto.body)]


def table(at: AppTest, *columns: str) -> pd.DataFrame:
    """The one table on the page, outside docs/metering.md, that has all these columns."""
    found = [df for df in html_tables(at, doc=False) if set(columns) <= set(df.columns)]
    assert len(found) == 1, f"expected one table with columns {columns}, got {len(found)}"
    return found[0]


def everything(at: AppTest) -> str:
    """Every text the page shows: prose, captions, titles, labels and every table cell."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.label for e in at.expander] + [t.value for t in at.title]
    parts += [s.value for s in at.subheader] + [i.value for i in at.info]
    parts += [c.value for c in at.code] + [t.label for t in at.tabs]
    parts += [df.to_csv() for df in html_tables(at)]
    return "\n".join(parts)


def test_renders_every_tab_without_exception(metered):
    assert not metered.exception
    assert [t.value for t in metered.title] == ["How it's metered"]
    assert [t.label for t in metered.tabs] == SECTIONS
    assert not metered.error and not metered.warning


@pytest.mark.parametrize("section", SECTIONS)
def test_a_link_opens_each_tab(section):
    at = run(section=section)
    assert not at.exception
    assert at.session_state["section"] == section


def test_a_bad_section_in_a_link_falls_back_to_the_first():
    at = run(section="<script>")
    assert not at.exception and not at.error
    assert at.session_state["section"] == "The rules"


def test_nothing_on_the_page_points_outside_the_repository(metered):
    body = everything(metered)
    assert "shared/" not in body and "../" not in body.replace("](../calc/", "")
    assert "docs/metering.md" in body


def test_the_rules_tab_shows_the_doc(metered):
    labels = [e.label for e in metered.expander]
    assert any(lab.startswith("docs/metering.md") and "2026-12-03" in lab for lab in labels)
    body = everything(metered)
    assert "How OpenAI meters images — Patchwork's account (edition 2026-12-03)" in body
    assert r"\$0.2107" in body  # dollars escaped, not read as maths


def test_every_worked_example_matches_the_guide(metered):
    df = table(metered, "guide", "counts")
    got = {(r.model, r.size, r.detail): (r.calc, r.guide, r.match) for r in df.itertuples()}
    assert got == {key: (n, n, "✓") for key, n in GUIDE_EXAMPLES.items()}
    sizes = {(m, s): after for m, s, after in zip(df["model"], df["size"], df["size after"],
                                                  strict=True)}
    assert sizes["gpt-5.4", "2048×2048"] == "1600×1600"
    assert sizes["gpt-5-mini", "1800×2400"] == "1056×1408"
    labels = [e.label for e in metered.expander if " — " in e.label and "guide" in e.label]
    assert len(labels) == len(GUIDE_EXAMPLES) and all(lab.startswith("✓") for lab in labels)


def test_every_measurement_matches(metered):
    df = table(metered, "measured")
    assert [(r.model, r.size, r.measured) for r in df.itertuples()] == MEASURED
    assert list(df["calc (billing)"]) == [m for _, _, m in MEASURED]
    assert set(df["match"]) == {"✓"}
    wrong = df[df["guide right"] == "✗"]
    assert list(zip(wrong["model"], wrong["guide's text"], strict=True)) == [
        ("gpt-4.1-mini", "4,977")]
    rests = dict(zip(df["model"], df["rests on"], strict=True))
    assert rests["gpt-5.6-sol, gpt-6-sol"] == "inferred" and rests["gpt-4o"] == ""


def test_the_profile_table(metered):
    df = table(metered, "auto =").set_index("profile")
    assert list(df.index) == list(calc.catalogue().profiles)
    astra = df.loc["gpt-6"]
    assert (astra["models"], astra["low"], astra["high"], astra["original"], astra["auto ="],
            astra["multiplier"]) == ("gpt-6-astra", "512 / none", "none / 2,500",
                                     "65535 / none", "original", "×1.2")
    assert df.loc["gpt-6-like", "confidence"].startswith("inferred")
    assert "gpt-6.2-sol" in df.loc["gpt-6-like", "models"]
    assert (df.loc["gpt-5.4", "low"], df.loc["gpt-5.4", "original"]) == ("2048 / 6,144",
                                                                         "6000 / 10,000")
    assert df.loc["gpt-4.1-mini", "low"] == "= high"
    assert df.loc["gpt-4.1-mini", "guide says"] == "low 2048 / 6,144; high 2048 / 6,144"
    assert "o4-mini ×1.72" in df.loc["budget-1536", "multiplier"]


def test_the_rejection_rule(metered):
    body = everything(metered)
    assert "30,000 patches per image" in body
    assert "rejected by the API: 41,334 patches > 30,000" in body
    assert "requires 41334 patches after processing, exceeding the limit of 30000" in body
    assert "**6764×4512**, 29,892 patches → **35,871 tokens**" in body  # ⌈29,892 × 1.2⌉


def test_the_lifecycle_table(metered):
    df = table(metered, "replacement")
    assert sorted(df["model"]) == sorted(m.name for m in calc.models())
    rows = df.set_index("model")
    assert (rows.loc["gpt-5", "shutdown"], rows.loc["gpt-5.1", "shutdown"]) == ("2026-12-11",
                                                                                "2027-04-01")
    assert rows.loc["gpt-4.5-preview", "shutdown"].endswith("(inferred)")
    assert rows.loc["gpt-6-astra", "shutdown"] == "none announced"
    assert rows.loc["o1", "status"] == "shut down"
    dates = [d[:10] for d in df["shutdown"] if d[0].isdigit()]
    assert dates == sorted(dates)


def test_the_history(metered):
    df = table(metered, "billing showed")
    assert list(df["guide"][:3]) == ["2025 guide"] * 3
    text = df.to_csv()
    for fact in ("×1.62", "July 2026", "2348", "2489", "early 2026", "2026-03"):
        assert fact in text, fact


def test_guide_vs_billing_and_the_one_token_caveat(metered):
    body = everything(metered)
    assert "billing **2,353** tokens, the guide **4,977**" in body
    assert "about 190 fewer on Chat Completions" in body
    assert "about 7 on Responses and about 8 on Chat Completions" in body
    assert "by one token" in body
    edges = table(metered, "floats")
    assert list(edges["exact"]) == ["2,500 patches → 3,000", "1,536 patches → 2,489"]
    assert list(edges["floats"]) == ["2,401 patches → 2,882", "1,457 patches → 2,361"]
    assert set(edges["match"]) == {"✓"}


def test_generated_images(metered):
    gen = table(metered, "1024×1536").set_index("quality")
    assert gen.loc["high"].tolist() == ["4,160", "6,240", "6,208"]
    body = everything(metered)
    assert "saf    = (2·q·short + long) // (2·long)" in body
    assert "✓ `gpt-image-2` · 1024×1024 · `high` → saf 96 → **7,024 tokens**" in body
    assert r"\$0.2107" in body
    errors = table(metered, "calc says")
    assert errors["calc says"].str.contains("multiples of 16").any()
    prices = table(metered, "calc", "quality")
    assert set(prices["match"]) == {"✓"} and "$0.211" in set(prices["guide"])


def test_unpublished_2_5_and_2_6_in_plain_words(metered):
    body = everything(metered)
    assert "gpt-image-2.5 and 2.6: unpublished" in body
    assert "Patchwork gives **no number** for them" in body
    assert "*third-party measurement, not OpenAI's*" in body
    points = table(metered, "measured output tokens")
    assert list(points["measured output tokens"]) == ["664", "1,353", "about 3,337"]  # §8.3
    assert list(points["the formula would say"]) == ["158", "5,488", "13,342"]
    assert list(points["size"]) == ["1536×1024", "1536×1024", "3840×2160"]
    assert set(points["measured on"]) == {"2026-11-05"}
    assert "a `low` or `medium` one is not" in body
    assert "GIF output (2–16 frames within 8,294,400 pixels" in body
    assert "`gpt-image-2.6-flare`, `gpt-image-2.6-sunburst` offer no Batch tier" in body
    assert r"1,353 tokens → \$0.0406 per image" in body  # $0.04059, shown to 2 digits


def test_prices_with_their_dates_and_the_tiers(metered):
    df = table(metered, "as of")
    now = df[df["period"].isin(["always"]) | df["period"].str.startswith("from")]
    now = now.set_index("model")
    assert now.loc["gpt-6-astra", "input"] == "$10.00"
    assert now.loc["gpt-6.2-astra", "third party"] == "cached input"
    assert now.loc["gpt-5.4-nano", "cached input"] == "unknown"
    assert now.loc["gpt-6.1-terra", "tiers confirmed"] == (
        "Batch, Flex, Fast (priority), Background (2 h), Background (8 h)")
    sol = df[df["model"] == "gpt-5.6-sol"]
    assert list(sol["period"]) == ["until 2026-08-20", "2026-08-21 to 2026-11-30",
                                   "from 2026-12-01"]
    assert list(sol["input"]) == ["$5.00", "$4.00", "$5.00"]
    tiers = table(metered, "× standard").set_index("tier")
    assert tiers.loc["Fast (priority)", "× standard"] == "×2"
    assert tiers.loc["Batch", "× standard"] == "×0.5"
    assert tiers.loc["Ultrafast", "offered by"] == "gpt-6-astra, gpt-6.1-sol, gpt-6.2-sol"


def test_the_scheduled_changes_are_listed(metered):
    lines = [shown(m.value) for m in metered.markdown]
    assert "2027-03-01: gpt-6.2-sol Ultrafast 3× → 6×" in lines
    assert "2026-12-11: gpt-5-mini shut down → gpt-6.1-terra" in lines


def test_inferred_is_shown(metered):
    body = everything(metered)
    assert body.count("inferred") >= 8
    assert "**inferred, low confidence**" in body  # gpt-image-2 input rule


def test_the_notes_tables_are_drawn_as_the_pages_own(metered):
    """docs/metering.md §4's profile table, as a table whose numbers stay on one line."""
    (profiles,) = [df for df in html_tables(metered) if list(df.columns) == [
        "profile", "models", "low", "high", "original", "auto means", "multiplier",
        "confidence"]]
    row = profiles.set_index("profile").loc["gpt-6-like"]
    assert (row["high"], row["auto means"], row["confidence"]) == (
        "none / 2,500", "original", "inferred")  # **inferred** in the notes: marks dropped
