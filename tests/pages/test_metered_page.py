"""The "How it's metered" page under AppTest: it renders, and its checks show the spec's numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import calc

ROOT = Path(__file__).resolve().parents[2]
PAGE = next(p for p in (ROOT / "pages" / "metered.py", ROOT / "views" / "metered.py")
            if p.exists())  # wherever app.py's pages live

# spec §9 and the guide, written out here: (model, size) → the number calc must reproduce
GUIDE_EXAMPLES = {
    ("gpt-4o", "1024×1024", "high"): "765",
    ("gpt-4o", "2048×4096", "high"): "1,105",
    ("gpt-4o", "4096×8192", "low"): "85",
    ("gpt-4.1-mini", "1024×1024", "high"): "1,024",  # patches
    ("gpt-4.1-mini", "1800×2400", "high"): "1,452",  # patches
}
MEASURED = [
    ("gpt-4o", "1×1", "255"), ("gpt-4o", "1×1", "85"), ("gpt-4.1", "2049×513", "1,445"),
    ("gpt-4.1", "2050×513", "765"), ("gpt-4.1-mini", "4000×1474", "2,489"),
    ("gpt-4.1-mini", "128×64", "13"), ("gpt-5-mini", "512×512", "308"),
    ("gpt-5-mini", "2048×768", "1,844"), ("gpt-image-1", "1024×1025", "194"),
    ("gpt-image-1", "1023×1024", "194"), ("gpt-image-1", "512×513", "323"),
]


def run(**query) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=30)
    at.query_params.update(query)
    return at.run()


@pytest.fixture(scope="module")
def metered() -> AppTest:
    return run()


def table(at: AppTest, column: str):
    """The one dataframe on the page that has `column`."""
    found = [df.value for df in at.dataframe if column in df.value.columns]
    assert len(found) == 1, f"expected one table with a {column!r} column, got {len(found)}"
    return found[0]


def text(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption]
                     + [e.label for e in at.expander])


def test_renders_without_exception(metered):
    assert not metered.exception
    assert [t.value for t in metered.title] == ["How it's metered"]
    assert [t.label for t in metered.tabs] == ["The rules", "Worked examples", "Measured evidence",
                                            "Model catalogue", "Guide vs billing"]
    assert not metered.error and not metered.warning


def test_catalogue_table_lists_every_model(metered):
    df = table(metered, "× documented")
    assert list(df["model"]) == [m.name for m in calc.models()]
    rows = df.set_index("model")
    assert rows.loc["gpt-4o", "high detail"] == "85 + 170 per 512 px tile"
    assert rows.loc["gpt-4o", "input $/1M"] == "$2.50"
    assert (rows.loc["gpt-5-mini", "× billing"], rows.loc["gpt-5-mini", "× documented"]) == (
        "×1.2", "×1.62")
    assert rows.loc["gpt-5.5", "original detail"] == "10,000 patches, long side ≤ 6,000 px"
    assert rows.loc["gpt-5.4-nano", "input $/1M"] == "—"  # price unknown (spec §7)
    assert rows.loc["gpt-5.1", "inferred"].startswith("⚠")
    assert rows.loc["gpt-4o", "inferred"] == ""
    assert "2026-02-07" in text(metered) and "openai.com/api/pricing" in text(metered)


def test_every_worked_example_matches_the_guide(metered):
    df = table(metered, "guide")
    got = {(r.model, r.size, r.detail): (r.calc, r.guide, r.match) for r in df.itertuples()}
    assert got == {key: (n, n, "✓") for key, n in GUIDE_EXAMPLES.items()}
    labels = [e.label for e in metered.expander]
    assert len(labels) == len(GUIDE_EXAMPLES) and all(lab.startswith("✓") for lab in labels)


def test_worked_examples_show_each_step(metered):
    steps = [df.value for df in metered.dataframe if "working" in df.value.columns]
    assert len(steps) == len(GUIDE_EXAMPLES)
    tall = next(df for df in steps if (df["size after"] == "1024×2048").any())
    assert list(tall["size after"])[-1] == "768×1536"
    assert tall["working"].str.contains("85 + 170 × 6 = 1,105", regex=False).any()
    shrink = next(df for df in steps if (df["size after"] == "1056×1408").any())
    assert shrink["working"].str.contains("33 × 44 = 1,452", regex=False).any()


def test_every_measurement_matches(metered):
    df = table(metered, "measured")
    got = [(r.model, r.size, r.measured) for r in df.itertuples()]
    assert got == MEASURED
    assert list(df["calc (billing)"]) == [m for _, _, m in MEASURED]
    assert set(df["match"]) == {"✓"}
    # the guide's text alone is wrong on exactly the three billing-only cases
    wrong = df[df["guide right"] == "✗"]
    assert list(zip(wrong["model"], wrong["guide's text"], strict=True)) == [
        ("gpt-4.1-mini", "2,348"), ("gpt-5-mini", "415"), ("gpt-5-mini", "2,489")]


def test_lists_where_guide_and_billing_differ(metered):
    body = text(metered)
    for subject in ("gpt-5-mini", "gpt-5-nano", "gpt-5.2", "patch models", "every request"):
        assert f"**{subject}**" in body
    assert "billing **1,229** tokens, the guide **1,659**" in body  # gpt-5-mini, 1,024 patches
    assert "billing **2,489** tokens, the guide **2,348**" in body  # fit to 2048 first
    assert "8–13" in body


def test_rules_prose_quotes_the_specs_numbers(metered):
    body = text(metered)
    for fact in ("Fit in 2,048×2,048", "Short side to 768", "never scaled up",
                 "brought to **512** px", "base of **65** tokens and **129** per 512 px tile",
                 "**4,160**", "**6,240**", "√1.5", "adds 100 output tokens",
                 "in 512×512", "pays 50% of that", "`gpt-5.5` it means `original`",
                 "budget of 10,000 patches and a max side of 6,000 px"):
        assert fact in body, fact
    gen = table(metered, "quality")
    assert gen.set_index("quality").loc["high"].tolist() == [4160, 6240, 6208]
    tiles = table(metered, "tokens per tile").set_index("base tokens")
    assert tiles.loc[2833, "tokens per tile"] == 5667


def test_inferred_rules_are_listed(metered):
    body = text(metered)
    assert "What “inferred” means" in [s.value for s in metered.subheader]
    assert "gpt-5.1 is assumed to meter like gpt-5" in body
    assert "fitted in 512×512" in body


def test_a_link_opens_a_section():
    at = run(section="Measured evidence")
    assert not at.exception
    assert at.session_state["section"] == "Measured evidence"


def test_a_bad_section_in_a_link_falls_back_to_the_first():
    at = run(section="<script>")
    assert not at.exception and not at.error
    assert at.session_state["section"] == "The rules"
