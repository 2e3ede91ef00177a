"""docs/metering.md stays true: every section the code, the tests, the benchmarks and the catalogue
cite exists, and its tables of shutdowns, replacements, tiers per model, regional processing and
gpt-5.6-sol's periods say what the catalogue holds. The doc's tables are literals written from
the spec; a catalogue edit that changes one of these facts must change the doc with it."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import calc
from calc.engine import pricing

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "metering.md").read_text(encoding="utf-8")
NAME = re.compile(r"\b(gpt-[\w.\-]*\w|o\d[\w\-]*\w|o\d|computer-use-preview)\b")
SECTION = re.compile(r"§(\d+)(?:\.(\d+))?")  # §9 or §9.1, in any form: "metering.md §9.1", "§2–§7"
CITING = ("calc", "pages", "bench", "tests")  # their code, text and data (the catalogue)


def section(heading: str) -> str:
    """The text under a heading, down to the next heading of the same or a higher level."""
    start = DOC.index(f"\n{heading}\n") + len(heading) + 2
    level = len(heading.split(" ")[0])
    end = re.compile(rf"^#{{2,{level}}} ", re.M).search(DOC, start)
    return DOC[start: end.start()] if end else DOC[start:]


def table(text: str) -> list[list[str]]:
    """A Markdown table's body rows, as cells."""
    rows = [line.strip("|").split(" | ") for line in text.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in row] for row in rows[1:]]  # rows[0] is the header


def names(cell: str) -> list[str]:
    return NAME.findall(cell)


def citations() -> list[tuple[str, str | None, str]]:
    """Every § cited in calc/, pages/, bench/ and tests/ (code, comments, the catalogue's TOML):
    (section, subsection or None, file:line)."""
    found = []
    for folder in CITING:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".py", ".toml", ".md"):
                continue
            for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
                found += [(m[1], m[2], f"{path.relative_to(ROOT)}:{n}")
                          for m in SECTION.finditer(line)]
    return found


def has_section(top: str, sub: str | None) -> bool:
    heading = rf"^## {top}\. " if sub is None else rf"^### {top}\.{sub} "
    return re.search(heading, DOC, re.M) is not None


@pytest.mark.parametrize(("top", "sub", "exists"), [
    ("1", None, True), ("17", None, True), ("9", "1", True), ("8", "3", True), ("9", "5", True),
    ("0", None, False), ("18", None, False), ("2", "4", False), ("4", "3", False),
])
def test_a_section_is_one_of_the_docs_headings(top, sub, exists):
    assert has_section(top, sub) is exists


def test_every_cited_section_exists():
    """Each "§N" and "§N.M" in the code, the tests, the benchmarks and the catalogue names a
    heading of docs/metering.md ("## N." or "### N.M"): the doc's own numbering, not another's."""
    found = citations()
    assert ("9", "1") in {(top, sub) for top, sub, _ in found}  # the engine cites dated prices
    assert any(where.startswith("calc/data/catalogue.toml") for *_, where in found)
    missing = [f"{where}: §{top}{'.' + sub if sub else ''}" for top, sub, where in found
               if not has_section(top, sub)]
    assert missing == [], "\n".join(missing)


def test_the_edition_is_the_one_the_app_names():
    from calc.views.metered import EDITION

    assert DOC.splitlines()[0].endswith(f"(edition {EDITION})")
    assert f"**What changed in the edition of {EDITION}**" in DOC


def test_the_shutdown_table_is_the_catalogues():
    doc = {}
    for when, models in table(section("## 10. Lifecycle").split("**Replacements**")[0]):
        for name in names(models):
            doc[name] = when
    book = {m.name: m.shutdown for m in calc.models() if m.shutdown}
    assert doc.keys() == book.keys()
    for name, when in doc.items():
        assert book[name] == when or (when == "2025" and book[name].startswith("2025-")), name
    assert "*third-party*" in section("## 10. Lifecycle")  # gpt-5.4-nano's date
    assert calc.resolve_model("gpt-5.4-nano").shutdown_source.startswith("a third-party")


def test_the_replacement_table_is_the_catalogues():
    rows = table(section("## 10. Lifecycle").split("**Replacements**")[1])
    doc = {name: tuple(names(repl)) for models, repl in rows for name in names(models)}
    book = {m.name: m.replacements for m in calc.models() if m.replacements}
    assert doc == book
    # and the models whose replacement is cut off or not named have none
    for none in ("gpt-5-nano", "o3"):
        assert none in section("## 10. Lifecycle") and not calc.resolve_model(none).replacements


TIER_ROWS = {"Batch": "batch", "Flex": "flex", "Fast (was Priority)": "fast",
             "Ultrafast": "ultrafast", "Background 2 h": "background-2h",
             "Background 8 h": "background-8h"}


@pytest.mark.today("2026-12-03")
def test_the_tier_table_says_who_offers_and_who_confirms():
    current = calc.models(include_shut_down=False)
    rows = {r[0]: r for r in table(section("### 9.2 Tiers, per model"))}
    assert set(rows) == {"Standard", *TIER_ROWS}
    for label, tier in TIER_ROWS.items():
        _, _, _, not_offered, confirmed = rows[label]
        offered_by = {m.name for m in current if pricing.offers(m, tier)}
        if not_offered == "every other model":
            assert offered_by == set(names(confirmed)), label
        else:
            assert {m.name for m in current} - offered_by == set(names(not_offered)), label
        assert {m.name for m in current if tier in m.tiers} == set(names(confirmed)), label


@pytest.mark.parametrize(("model", "tier", "day", "factor"), [
    ("gpt-5.4", "batch", "2026-12-03", "0.5"), ("gpt-6.1-terra", "flex", "2026-12-03", "0.5"),
    ("gpt-5.4", "fast", "2026-12-03", "2"), ("gpt-5.5", "fast", "2026-12-03", "2.5"),
    ("gpt-6-astra", "ultrafast", "2026-12-03", "6"),
    ("gpt-6.1-sol", "ultrafast", "2026-12-03", "6"),
    ("gpt-6.2-sol", "ultrafast", "2027-02-28", "3"),
    ("gpt-6.2-sol", "ultrafast", "2027-03-01", "6"),
    ("gpt-6.2-sol", "background-2h", "2026-12-03", "0.7"),
    ("gpt-6.2-sol", "background-8h", "2026-12-03", "0.6"),
])
def test_the_factors_the_tier_table_gives(model, tier, day, factor):
    row = next(r for r in table(section("### 9.2 Tiers, per model"))
               if TIER_ROWS.get(r[0]) == tier)
    assert f"{factor}×" in row[2]
    assert pricing.tier_factor(tier, model, day) == Decimal(factor)


def test_regional_processing_is_documented_where_the_doc_says():
    text = section("### 9.3 Long context, regional processing, cache writes")
    said = re.search(r"documented on the (.*?) pages", text.replace("\n", " "))[1]
    assert {m.name for m in calc.models() if m.regional} == set(names(said))
    assert not calc.catalogue().tiers["fast"].regional
    assert not calc.catalogue().tiers["ultrafast"].regional


def test_gpt_5_6_sols_periods_are_the_catalogues():
    rows = table(section("### 9.1 Prices take effect on dates"))
    days = [re.findall(r"\d{4}-\d{2}-\d{2}", r[0]) for r in rows]
    assert days == [["2026-07-09", "2026-08-20"], ["2026-08-21", "2026-11-30"], ["2026-12-01"]]
    m = calc.resolve_model("gpt-5.6-sol")
    assert m.released == "2026-07-09"
    for (first, *_), row, confidence in zip(days, rows, ("inferred", "documented", "documented"),
                                            strict=True):
        p = m.price_on(date.fromisoformat(first))
        assert [Decimal(x) for x in row[1:5]] == [p.input, p.cached_input, p.cache_write, p.output]
        assert p.confidence == confidence and f"*{confidence}*" in row[5]
    assert m.prices[-1].third_party and "*third-party*" in rows[2][5]
