"""Hostile input stays inert: escaping, shortening, CSV formulas, scrubbing, bad numbers and
files, bounded caches — each shown on the module that owns it and on a page that shows it."""

from __future__ import annotations

import contextlib
import io
import struct
import subprocess
import sys
import zlib
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from calc.adapters import images
from calc.adapters.calibration_store import CalibrationLog, LogRow
from calc.adapters.openai_usage import RateLimitedError, make_client, run_image
from calc.adapters.url_fetch import AddressPolicy, UnsupportedUrlError, fetch_image
from calc.engine.catalogue import resolve_model
from calc.engine.errors import CalcError
from calc.views import explore_link, inert
from calc.views import verify as vv
from calc.views.manifest import read_manifest
from calc.views.plan.export import csv_bytes
from calc.views.plan.table import Column, Table
from tests.fakes.fake_openai import FakeOpenAI

ROOT = Path(__file__).resolve().parents[1]
LINK = "[Log in again](https://evil.example/login)"
FORMULAS = ("=HYPERLINK(\"https://evil.example\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx")


def png(w=8, h=8) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), "navy").save(buf, "PNG")
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def metadata_bomb(kind: bytes = b"zTXt", after_pixels: bool = False) -> bytes:
    """A PNG whose text or colour-profile chunk inflates to 64 MB (Pillow's limit is 1 MB)."""
    raw = png()
    head = b"Comment\0\0" if kind == b"zTXt" else b"icc\0\0"
    bomb = _chunk(kind, head + zlib.compress(b"\0" * (64 << 20), 9))
    at = raw.rfind(b"IEND") - 4 if after_pixels else 33
    return raw[:at] + bomb + raw[at:]


# --- inert text ------------------------------------------------------------------------------


HOSTILE_MARKDOWN = [
    LINK, "![x](https://evil.example/a.png)", "<https://evil.example>",
    "https://evil.example/login", "www.evil.example", "a@evil.example",
    ":red[alarm] :material/warning:", "$x^2$", "**bold** _it_ `code`", "# heading", "- list",
    "1. list", "line\n# two\r\n| a | b |",
]


HOSTILE_HTML = [
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "</td></tr></table><h1>x",
    '" style="position:fixed;inset:0', "<a href='https://evil.example'>log in</a>",
    "&lt;b&gt; already escaped", "line\n<br>two",
]


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN + HOSTILE_HTML)
def test_an_html_table_keeps_every_cell_inert_and_in_its_column(text):
    from calc.views.markup import TABLE_STYLE, table_html
    from tests.fakes.html_tables import parse

    page = table_html(("Model", "Tokens"), [(text, "1,229")], bars=[50.0], bar_column=1,
                      chosen=0)
    parsed = parse(page)
    assert parsed.tables == [[["Model", "Tokens"], [inert.plain(text), "1,229"]]]
    # only the table's own tags, its one stylesheet, its box, the bar and the spans that keep a
    # number on one line: nothing the text brought
    assert set(parsed.tags) <= {"style", "div", "table", "thead", "tbody", "tr", "th", "td",
                                "span"}
    assert parsed.tags.count("div") == 2 and parsed.tags.count("style") == 1
    assert page.count("<span") == page.count('<span class="pw-n">')
    assert '<td class="pw-n pw-barred">1,229<div class="pw-bar"' in page
    # the stylesheet is ours, whatever the text
    assert page.startswith(TABLE_STYLE + '<div class="pw-box"><table')


@pytest.mark.parametrize("text", HOSTILE_HTML)
def test_the_overlay_label_is_inert(text):
    import calc
    from calc.views.explore_overlay import overlay
    from calc.views.markup import overlay_html
    from tests.fakes.html_tables import parse

    page = overlay_html(overlay(calc.estimate(64, 64, "gpt-4o")), None, text)
    assert parse(page).tags == ["div", "div", "img"]  # frame, stand-in, grid
    assert f'aria-label="{inert.esc(text)}"' in page


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN)
def test_markdown_syntax_comes_out_as_text(text):
    import markdown_it  # a CommonMark parser, with GFM's tables and strikethrough

    escaped = inert.md(text)
    html = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(escaped)
    for tag in ("<a ", "<img", "<strong", "<em", "<code", "<h1", "<li", "<table", "<s>", "<br"):
        assert tag not in html, (text, html)
    assert "\n" not in escaped
    # GFM's bare autolinks need "://", "www." or an e-mail "@": each is broken by an escape.
    for bare in ("://", "www.", "@"):
        assert bare not in escaped.replace("\\" + bare[0], ""), escaped
    # Streamlit's :colour[…] directive needs an unescaped "[" and maths an unescaped "$".
    assert "[" not in escaped.replace("\\[", "") and "$" not in escaped.replace("\\$", "")


def test_values_are_shortened_to_120_characters_and_an_ellipsis():
    assert inert.short("x" * 100_000) == "x" * 119 + "…"
    assert inert.short("short") == "short"
    assert len(inert.md("y" * 100_000)) <= inert.MESSAGE_LIMIT


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_cells_are_neutralised(value):
    assert inert.cell(value) == "'" + value
    assert inert.cell(-3) == -3 and inert.cell("plain") == "plain"


def test_key_like_strings_are_scrubbed():
    text = ("your key sk-proj-AbCdEf0123456789 and Bearer abc.def and "
            "ghp_0123456789abcdefABCDEF0123456789")
    clean = inert.scrub(text)
    assert "sk-proj-AbCdEf" not in clean and "abc.def" not in clean and "ghp_0123" not in clean
    assert inert.scrub("gpt-4.1-mini-2025-04-14 at api.openai.com") == \
        "gpt-4.1-mini-2025-04-14 at api.openai.com"


# --- every export ----------------------------------------------------------------------------


def test_plan_exports_neutralise_formulas():
    table = Table((Column.text("name", "name"), Column("tokens", "tokens")),
                  (list(FORMULAS), range(len(FORMULAS))))
    out = pd.read_csv(io.BytesIO(csv_bytes(table)), keep_default_na=False)
    assert all(v.startswith("'") for v in out["name"])
    assert out["tokens"].tolist() == list(range(len(FORMULAS)))


def test_the_calibration_log_export_neutralises_formulas(tmp_path):
    log = CalibrationLog(tmp_path / "log.sqlite3")
    for bad in FORMULAS[:4]:
        log.add(LogRow(endpoint_host=bad, model_requested=bad, model_returned="gpt-4o", width=1,
                       height=1, detail="high", fidelity="low", method="count", estimate=1,
                       reported=1, baseline=1, rules_version="v"), session="s1")
    out = pd.read_csv(io.StringIO(vv.log_csv(log, "s1")), keep_default_na=False)
    for column in ("endpoint_host", "model_requested"):
        assert all(v.startswith("'") for v in out[column]), out[column].tolist()
    assert vv.log_csv(log, "someone-else").count("\n") == 1  # the header only


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [b"zTXt", b"iCCP"])
@pytest.mark.parametrize("after_pixels", [False, True])
def test_a_png_metadata_bomb_is_a_clear_image_error(kind, after_pixels):
    with pytest.raises(images.ImageError, match="decompression bomb"):
        images.load(metadata_bomb(kind, after_pixels))


def test_explore_keeps_the_previous_image_when_a_bomb_is_uploaded():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    at.button_group(key="explore_source").set_value("Upload").run()
    at.file_uploader(key="explore_upload").set_value(("good.png", png(640, 480), "image/png"))
    at.run()
    assert at.session_state["explore_current"]["size"] == (640, 480)
    at.file_uploader(key="explore_upload").set_value(("bomb.png", metadata_bomb(), "image/png"))
    at.run()
    assert not at.exception
    assert any("decompression bomb" in e.value for e in at.error)
    assert at.session_state["explore_current"]["size"] == (640, 480)


def test_a_link_with_absurd_values_gets_short_notices():
    view, notices = explore_link.decode({"w": "9" * 5000, "h": "10", "model": "m" * 100_000,
                                         "detail": LINK})
    assert view.size is None and view.model == explore_link.DEFAULT_MODEL
    assert all(len(n) < 400 for n in notices), [len(n) for n in notices]
    _, notices = explore_link.decode({"url": "https://example.com/" + "a" * 5000})
    assert any("characters long" in n for n in notices)


def test_the_explore_page_shows_a_hostile_link_as_text():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params.update({"model": LINK})
    at.run()
    assert not at.exception
    shown = [w.value for w in at.warning]
    assert shown and all("](" not in w or "\\]" in w for w in shown)
    assert all("\\[Log in again\\]" in w for w in shown if "Log in again" in w)


def test_a_too_long_url_says_so():
    with pytest.raises(UnsupportedUrlError, match="characters long"):
        fetch_image("https://example.com/" + "a" * 3000, policy=AddressPolicy.public())


def test_a_huge_model_name_gives_a_short_message_and_the_cache_stays_bounded():
    with pytest.raises(CalcError) as caught:
        resolve_model("gpt-" + "x" * 100_000)
    assert len(str(caught.value)) < 600
    for i in range(3000):
        with contextlib.suppress(CalcError):
            resolve_model(f"not-a-model-{i}")
        resolve_model(f"gpt-4o-{date(2020, 1, 1) + timedelta(days=i)}")  # dated: a snapshot
    assert resolve_model.cache_info().currsize <= resolve_model.cache_info().maxsize


def test_a_csv_with_absurd_numbers_and_names_is_flagged_not_crashed():
    data = ("width,height,model\n" + "9" * 5000 + ",100,\n100,100," + "m" * 100_000 + "\n"
            "100,100,\n").encode()
    workload = read_manifest(data)
    assert len(workload.rows) == 1
    assert all(len(r) < 400 for r in workload.bad_rows["reason"])


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "1e999"])
def test_a_retry_after_that_is_not_a_finite_number_is_ignored(value):
    with FakeOpenAI(retry_after=value) as fake:
        fake.fail_next("rate_limit")
        client = make_client(fake.keys[0], fake.base_url, timeout=5)
        with pytest.raises(RateLimitedError) as caught:
            run_image(client, model="gpt-4o", image_url="data:,", detail="low")
    assert caught.value.retry_after is None
    assert "wait a little" in str(caught.value) and "wait nan" not in str(caught.value)


def test_the_cli_refuses_absurd_sizes_and_notes_animation(tmp_path):
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "calc", *args], capture_output=True,
                              text=True, cwd=ROOT, timeout=60)

    huge = cli("9" * 5000 + "x10")
    assert huge.returncode == 2 and "not a size" in huge.stderr and len(huge.stderr) < 400
    frames = [Image.new("RGB", (40, 30), c) for c in ("red", "blue")]
    gif = tmp_path / "anim.gif"
    frames[0].save(gif, save_all=True, append_images=frames[1:])
    done = cli(str(gif))
    assert done.returncode == 0
    assert "first frame" in done.stderr and "headers only" in done.stderr
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(metadata_bomb())
    refused = cli(str(bomb))
    assert refused.returncode == 2 and "decompression bomb" in refused.stderr


def test_plan_keeps_the_good_plan_when_a_bad_csv_follows():
    at = AppTest.from_file(str(ROOT / "pages" / "plan.py"), default_timeout=120).run()
    at.button_group(key="plan_source").set_value("csv").run()
    at.file_uploader(key="plan_csv").set_value(("good.csv", b"width,height\n640,480\n", "text/csv"))
    at.run()
    before = [d.value for d in at.dataframe if "$ / month" in d.value.columns][0]
    at.file_uploader(key="plan_csv").set_value(("bad.csv", b"\x89PNG\r\n\x1a\n\0\0", "text/csv"))
    at.run()
    assert not at.exception
    assert any("cannot be used" in e.value for e in at.error)
    after = [d.value for d in at.dataframe if "$ / month" in d.value.columns][0]
    pd.testing.assert_frame_equal(before, after)
