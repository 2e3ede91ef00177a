"""Explore's plain-HTML picture and tables (calc.views.markup), with known answers."""

from __future__ import annotations

import base64
import re
from decimal import Decimal

import pytest

import calc
from calc.views.explore_overlay import overlay
from calc.views.markup import (
    CARDS_BELOW,
    TABLE_STYLE,
    cell_html,
    grid_path,
    grid_svg,
    log_bars,
    overlay_html,
    table_html,
)
from tests.fakes.html_tables import parse, tables


def segments(path: str) -> list[tuple[float, float, float, float]]:
    return [tuple(map(float, m)) for m in re.findall(r"M(\S+) (\S+)L(\S+) (\S+?)(?=M|$)", path)]


def test_tile_grid_path_gpt_4o_1024_square():
    # gpt-4o high, 1024×1024: short side 768 → 768×768 → 2×2 tiles of 512 over a 1024 frame
    ov = overlay(calc.estimate(1024, 1024, "gpt-4o", "high"))
    assert grid_path(ov) == ("M0 0L0 1024M512 0L512 1024M1024 0L1024 1024"
                             "M0 0L1024 0M0 512L1024 512M0 1024L1024 1024")
    assert 'stroke-width="2"' in grid_svg(ov)  # tiles: 2 px lines


@pytest.mark.parametrize(("w", "h", "model", "detail", "cols", "rows"), [
    (1024, 1024, "gpt-5.6-sol", "original", 32, 32),  # 1,024 patches
    (100, 50, "gpt-4.1-mini", "high", 4, 2),  # ⌈100/32⌉ × ⌈50/32⌉
    (3024, 4032, "gpt-5.6-sol", "original", 95, 126),  # 11,970 patches
])
def test_patch_grid_has_a_line_per_column_and_row_edge(w, h, model, detail, cols, rows):
    ov = overlay(calc.estimate(w, h, model, detail))
    segs = segments(grid_path(ov))
    vertical = [s for s in segs if s[0] == s[2]]
    horizontal = [s for s in segs if s[1] == s[3]]
    assert (len(vertical), len(horizontal)) == (cols + 1, rows + 1)
    assert [s[0] for s in vertical] == [32.0 * c for c in range(cols + 1)]
    assert 'stroke-width="1"' in grid_svg(ov)


def test_overlay_puts_the_image_top_left_with_black_padding_beyond():
    # gpt-4.1-mini high, 100×50: 4 × 2 patches cover 128×64; the image fills 100/128 = 78.125%
    # of it (shown as 78.12: two decimals, half to even)
    ov = overlay(calc.estimate(100, 50, "gpt-4.1-mini", "high"))
    page = overlay_html(ov, "data:image/webp;base64,AAAA", "alt text")
    parsed = parse(page)
    assert parsed.tags == ["div", "img", "img"]  # frame, image, grid
    assert "background:#000000" in page and "aspect-ratio:128/64" in page
    assert 'src="data:image/webp;base64,AAAA"' in page
    assert "width:78.12%;height:78.12%" in page
    grid = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(grid).decode() == grid_svg(ov)


def test_a_size_without_a_picture_gets_a_grey_stand_in():
    ov = overlay(calc.estimate(768, 768, "gpt-4o", "high"))  # 2×2 tiles over 1024×1024
    page = overlay_html(ov, None, "size only")
    assert parse(page).tags == ["div", "div", "img"]
    assert "width:75%;height:75%;background:#d9e1e6" in page


def test_a_tall_image_is_narrowed_to_keep_its_height_on_screen():
    ov = overlay(calc.estimate(1000, 4000, "gpt-5.6-sol", "original"))  # 32 × 125 patches
    assert "width:min(100%, 158.72px)" in overlay_html(ov, None, "")  # 620 × 1024 / 4000


@pytest.mark.parametrize(("values", "widths"), [
    # log10: -1, 0, 1; the floor sits half a decade below the cheapest: -1.5
    ([Decimal("0.1"), Decimal("1"), Decimal("10")], [20.0, 60.0, 100.0]),
    ([Decimal("2"), None, Decimal("2")], [100.0, None, 100.0]),
    ([Decimal("0"), Decimal("1")], [None, 100.0]),
    ([None, None], [None, None]),
    ([], []),
])
def test_log_bars(values, widths):
    assert log_bars(values) == widths


def test_table_marks_the_chosen_row_and_draws_its_bar():
    page = table_html(("Model", "$"), [("a", "$1"), ("b", "$10")], bars=[60.0, 100.0],
                      bar_column=1, chosen=1)
    assert tables(page) == [[["Model", "$"], ["a", "$1"], ["b", "$10"]]]
    assert ('<tr><td>a</td><td class="pw-n pw-barred">$1<div class="pw-bar" style="width:60%">'
            '</div></td></tr>') in page
    # the chosen row, marked once: bold, its bar in the theme's colour (the table's style says)
    assert ('<tr class="pw-chosen"><td>b</td><td class="pw-n pw-barred">$10<div class="pw-bar" '
            'style="width:100%">' in page) and page.count("pw-chosen") == 1 + 2
    assert ".pw-table th,.pw-table .pw-chosen td{font-weight:600}" in page
    assert ".pw-table .pw-chosen .pw-bar{background:#3b6e8f}" in page
    assert ".pw-bar{height:6px;margin-top:3px;border-radius:2px;background:#b8c6d0}" in page
    assert page.count("style=") == 2  # the bars' lengths only: no cell carries its own style


@pytest.mark.parametrize(("text", "html"), [
    ("1,229", '<span class="pw-n">1,229</span>'),
    ("auto → high", "auto → high"),  # words: free to wrap
    ("rejected (41,334 patches)", 'rejected <span class="pw-n">(41,334</span> patches)'),
    ("shuts down 2027-01-14 → gpt-6-luna: $0.00012 instead of $0.0019",
     'shuts down <span class="pw-n">2027-01-14</span> → <span class="pw-n">gpt-6-luna:</span> '
     '<span class="pw-n">$0.00012</span> instead of <span class="pw-n">$0.0019</span>'),
    ("3024×4032 → 768×1024", '<span class="pw-n">3024×4032</span> → '
                            '<span class="pw-n">768×1024</span>'),
    ("<b>7</b> & 8", '<span class="pw-n">&lt;b&gt;7&lt;/b&gt;</span> &amp; '
                     '<span class="pw-n">8</span>'),  # escaped, whatever it holds
    ("", ""),
])
def test_a_cell_keeps_every_word_holding_a_digit_on_one_line(text, html):
    assert cell_html(text) == html


def test_numbers_never_wrap_words_do_and_a_wide_table_scrolls_in_its_own_box():
    assert ".pw-n{white-space:nowrap}" in TABLE_STYLE
    assert "overflow-wrap:break-word" in TABLE_STYLE and "anywhere" not in TABLE_STYLE
    assert ".pw-box{container-type:inline-size;overflow-x:auto}" in TABLE_STYLE
    page = table_html(("Step", "Size", "Working"), [("fit", "768×1024", "2048 → 768, half up")])
    # a cell that is one number is kept on one line whole; in words, each number is
    assert page.endswith('<div class="pw-box"><table class="pw-table"><thead><tr><th>Step</th>'
                         '<th>Size</th><th>Working</th></tr></thead><tbody><tr><td>fit</td>'
                         '<td class="pw-n">768×1024</td><td><span class="pw-n">2048</span> → '
                         '<span class="pw-n">768,</span> half up</td></tr></tbody></table></div>')


def test_a_table_of_cards_names_each_cell_by_its_column():
    page = table_html(("Model", "$ / 1,000 images", "Note"), [("gpt-6-luna", "$1.23", "")],
                      bars=[50.0], bar_column=1, cards=True)
    name = re.search(r'<table class="pw-table pw-cards (pw-c[0-9a-f]+)">', page)[1]
    assert '<tr><td class="pw-n">gpt-6-luna</td><td class="pw-n pw-barred">$1.23' in page
    assert '<td></td></tr>' in page  # empty: no line in its card (td:empty)
    # below CARDS_BELOW the rows are cards: no header row, the column's name over each value —
    # said once for the table, as CSS text where nothing can end the string or the stylesheet
    assert f"@container (max-width:{CARDS_BELOW}){{.pw-cards thead{{display:none}}" in page
    assert (f'<style>@container (max-width:{CARDS_BELOW}){{'
            f'.{name} td:nth-child(2)::before{{content:"\\24  \\2f  1\\2c 000 images"}}'
            f'.{name} td:nth-child(3)::before{{content:"Note"}}}}</style>') in page
    hostile = table_html(("Model", '"}</style><script>'), [("a", "b")], cards=True)
    assert "<script>" not in hostile and hostile.count("</style>") == 2


def test_a_markdown_text_cut_into_prose_and_tables():
    from calc.views.markup import markdown_tables

    text = ("# Profiles\n\nThe profiles:\n\n| profile | high | confidence |\n|---|:-:|---|\n"
            "| gpt-6-like | none / **2,500** | *inferred*, `auto` ([§5](#5)) |\n"
            "| gpt-5.4 | 2048 / 2,500 | documented |\n\nAfter the table.\n")
    assert markdown_tables(text) == [
        "# Profiles\n\nThe profiles:\n",
        (("profile", "high", "confidence"),
         [("gpt-6-like", "none / 2,500", "inferred, auto (§5)"),
          ("gpt-5.4", "2048 / 2,500", "documented")]),
        "\nAfter the table.",
    ]
    assert markdown_tables("no tables") == ["no tables"]
