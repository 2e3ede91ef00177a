"""The Explore page under AppTest: every way in, every control, links, and every bad input.

Known answers are worked out by hand from shared/spec/metering.md in the comments beside them.
"""

from __future__ import annotations

import http.server
import io
import json
import struct
import threading
import zlib
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from calc.adapters import images
from calc.adapters.url_fetch import AddressPolicy, fetch_image
from calc.views.inert import md
from tests.fakes.apptest import address, shown
from tests.fakes.html_tables import tables, text
from tests.known_days import CURRENT_2026_12_03

# Explore shows prices and which models run: its answers are those of the catalogue's edition
# day (gpt-5-mini, a measured model used below, runs until 2026-12-11).
pytestmark = pytest.mark.today("2026-12-03")

APP = str(Path(__file__).resolve().parents[2] / "app.py")

# gpt-4o, 3024×4032 (the phone photo, upright): fit 2048 → 1536×2048; short side 768 →
# 768×1024; 2×2 tiles → 85 + 4 × 170 = 765 tokens; × $2.50/1M = $0.0019125
PHONE_CAPTION = "gpt-4o · auto → high · 3024×4032 → 768×1024 · 2×2 tiles · 765 tokens · $0.0019"
# gpt-4o, 1024×1024: short side 768 → 768×768 → 2×2 tiles → 765 tokens
SQUARE_CAPTION = "gpt-4o · auto → high · 1024×1024 → 768×768 · 2×2 tiles · 765 tokens · $0.0019"


# --- images as bytes -------------------------------------------------------------------------

def encode(im: Image.Image, fmt: str, **params) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()


def picture(w: int, h: int, mode: str = "RGB") -> Image.Image:
    im = Image.new(mode, (w, h), "white")
    im.paste(Image.new(mode, (w // 2 or 1, h // 2 or 1), "navy"), (0, 0))
    return im


def png(w: int, h: int) -> bytes:
    return encode(picture(w, h), "PNG")


def jpeg_with_orientation(w: int, h: int, orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(picture(w, h), "JPEG", exif=exif.tobytes())


def animated_gif(w: int, h: int) -> bytes:
    frames = [Image.new("RGB", (w, h), c) for c in ("red", "green", "blue")]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)


def png_header_only(w: int, h: int) -> bytes:
    """A PNG whose header claims w×h, with no pixels behind it."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I",
                                                                        zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IEND", b""))


# --- driving the app -------------------------------------------------------------------------

# Most tests below pin gpt-4o (tile arithmetic is easy to check by hand); the tests of the
# default view, lifecycle badges and rejections name their models.
PINNED = {"model": "gpt-4o"}


def start(query: dict | None = None, pinned: dict | None = PINNED) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update({**(pinned or {}), **(query or {})})
    at.run()
    assert not at.exception, at.exception
    return at


def rerun(target) -> AppTest:
    """Run the app (from the AppTest or from a widget just set) and check it did not raise."""
    at = target.run()
    assert not at.exception, at.exception
    return at


def shown_caption(at: AppTest) -> str:
    assert len(at.text) == 1
    return at.text[0].value


def html_table(at: AppTest, first_column: str) -> pd.DataFrame:
    """The HTML table (st.html) whose first header is `first_column`, as the browser reads it."""
    found = [t for el in at.get("html") for t in tables(el.proto.body)
             if t and t[0][0] == first_column]
    assert len(found) == 1, [el.proto.body[:80] for el in at.get("html")]
    return pd.DataFrame(found[0][1:], columns=found[0][0])


def html_texts(at: AppTest) -> list[str]:
    """The text of every st.html element (captions, the overlay's heading, tables)."""
    return [text(el.proto.body) for el in at.get("html")]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def errors(at: AppTest) -> list[str]:
    """The error messages as a reader sees them (rendered Markdown)."""
    return [shown(e.value) for e in at.error]


def warnings_(at: AppTest) -> list[str]:
    return [shown(w.value) for w in at.warning]


def upload(at: AppTest, name: str, data: bytes, mime: str = "image/png") -> AppTest:
    if at.button_group(key="explore_source").value != "Upload":
        rerun(at.button_group(key="explore_source").set_value("Upload"))
    at.file_uploader(key="explore_upload").set_value((name, data, mime))
    return rerun(at)


def choose(at: AppTest, **values) -> AppTest:
    for name, value in values.items():
        widget = (at.selectbox if name == "model" else
                  at.toggle if name in ("mapped", "shut_down", "interactive") else
                  at.button_group)(key=f"explore_{name}")
        widget.set_value(value)
        rerun(at)
        if not at.selectbox:  # only the results ran (a fragment); AppTest shows just those
            alone = [t.value for t in at.text], metrics(at)
            rerun(at)  # the whole page: the same results, and every control again
            assert ([t.value for t in at.text], metrics(at)) == alone
    return at


@pytest.fixture(scope="module")
def image_server():
    """A local HTTP server with one PNG at /square.png; counts the requests it gets."""
    body = png(1024, 1024)
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


# --- first visit -----------------------------------------------------------------------------

def test_first_visit_shows_the_phone_photo():
    at = start()
    assert shown_caption(at) == PHONE_CAPTION
    assert metrics(at)["Tokens"] == "765"
    assert metrics(at)["$ per image"] == "$0.0019"
    assert metrics(at)["$ per 1,000 images"] == "$1.91"  # $1.9125
    assert metrics(at)["Tiles"] == "2×2"
    assert errors(at) == [] and warnings_(at) == []
    shared = at.session_state["shared_image"]
    assert shared["image"].image.size == (3024, 4032)  # EXIF orientation 6 applied
    assert shared["url"] is None and "Phone photo" in shared["label"]
    assert at.session_state["shared_choice"] == {"model": "gpt-4o", "detail": "auto",
                                                 "fidelity": "low", "rules": "billing",
                                                 "tier": "standard"}
    assert address(at)["sample"] == "phone-photo"
    assert any("EXIF orientation 6 applied" in t for t in html_texts(at))


# --- bringing an image -----------------------------------------------------------------------

@pytest.mark.parametrize(("fmt", "mime"), [("PNG", "image/png"), ("JPEG", "image/jpeg"),
                                           ("WEBP", "image/webp"), ("GIF", "image/gif")])
def test_upload_each_accepted_format(fmt, mime):
    at = upload(start(), f"square.{fmt.lower()}", encode(picture(1024, 1024), fmt), mime)
    assert shown_caption(at) == SQUARE_CAPTION
    assert errors(at) == []
    assert at.session_state["shared_image"]["label"] == f"square.{fmt.lower()}"
    # an upload is shared in the link as its size
    assert (address(at)["w"], address(at)["h"]) == ("1024", "1024")


def test_upload_applies_exif_orientation():
    # stored 2000×500, orientation 6 (rotate 90°): the model sees 500×2000.
    # gpt-4o: short side 500 ≤ 768 kept → 500×2000 → 1×4 tiles → 85 + 4 × 170 = 765
    at = upload(start(), "sideways.jpg", jpeg_with_orientation(2000, 500, 6), "image/jpeg")
    assert shown_caption(at) == ("gpt-4o · auto → high · 500×2000 → 500×2000 · 1×4 tiles · "
                                 "765 tokens · $0.0019")
    assert at.session_state["shared_image"]["image"].image.size == (500, 2000)


def test_an_uploads_results_rerun_alone_for_each_control():
    # Detail, rules, tier and the picture's switches rerun the results alone: with an upload
    # the sample picker is not on screen, and that run must not miss its value.
    at = upload(start(), "square.png", png(1024, 1024))
    choose(at, detail="low", rules="documented", tier="batch", mapped=True, interactive=True)
    # gpt-4o low: fitted to 512×512, 85 tokens whatever the size; × $2.50/1M × 0.5 (batch)
    # = $0.00010625
    assert shown_caption(at) == ("gpt-4o · low · 1024×1024 → 512×512 · low detail: base "
                                 "tokens only · 85 tokens · $0.00011 batch")
    assert errors(at) == []
    assert at.session_state["explore_memory"]["explore_detail"] == "low"


BAD_UPLOADS = [
    ("notes.png", b"these are not pixels", "not an image"),
    ("cut.png", png(300, 200)[:400], "truncated or corrupt"),
]


def test_a_huge_upload_is_priced_at_its_size_without_a_picture():
    at = upload(start(), "square.png", png(1024, 1024))
    at = upload(at, "huge.png", png_header_only(12_000, 10_000))  # 120 MP, header only
    assert errors(at) == []
    (warning,) = [shown(w.value) for w in at.warning if "huge" in w.value]
    assert "12,000×10,000" in warning and "100 megapixels are not decoded" in warning
    assert "12000×10000" in shown_caption(at)  # the estimate is for its size


@pytest.mark.parametrize(("name", "data", "words"), BAD_UPLOADS)
def test_bad_upload_shows_its_message_and_keeps_the_image(name, data, words):
    at = upload(start(), "square.png", png(1024, 1024))
    at = upload(at, name, data)
    assert len(errors(at)) == 1 and words in errors(at)[0]
    assert name in errors(at)[0]
    assert shown_caption(at) == SQUARE_CAPTION  # what the user had stays
    assert at.session_state["shared_image"]["label"] == "square.png"
    # the message stays while the user keeps working, and the page keeps working
    choose(at, model="gpt-5-mini")
    assert len(errors(at)) == 1
    assert "1,229 tokens" in shown_caption(at)  # 32 × 32 patches × 1.2 = 1,228.8 → 1,229


@pytest.mark.parametrize(("name", "data"), [
    ("old.png", encode(picture(1024, 1024), "BMP")),  # a BMP renamed .png
    ("scan.tiff", encode(picture(1024, 1024), "TIFF")),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="1024"/>'),
])
def test_a_format_the_api_refuses_gets_its_size_and_says_convert(name, data):
    # §17: BMP, TIFF, HEIC and SVG are answered with HTTP 400; the image gets the size it would
    # have: 1024×1024 on gpt-4o is 4 tiles, 85 + 4 × 170 = 765 tokens
    at = upload(start(), name, data)
    assert len(errors(at)) == 1
    assert "the API refuses this format (HTTP 400): convert to PNG or JPEG" in errors(at)[0]
    choose(at, model="gpt-4o")
    assert "765 tokens" in shown_caption(at)


def test_animated_gif_is_refused_but_its_first_frame_estimated():
    at = upload(start(), "wave.gif", animated_gif(640, 480), "image/gif")
    assert errors(at) == []
    assert len(warnings_(at)) == 1
    assert "animated" in warnings_(at)[0] and "first frame" in warnings_(at)[0]
    # 640×480 on gpt-4o: short side 480 kept → 640×480 → 2×1 tiles → 85 + 340 = 425
    assert shown_caption(at) == ("gpt-4o · auto → high · 640×480 → 640×480 · 2×1 tiles · "
                                 "425 tokens · $0.0011")
    assert at.session_state["shared_image"]["label"] == "wave.gif (first frame)"


def test_url_to_a_loopback_server_is_refused(image_server):
    base, hits = image_server
    at = start()
    rerun(at.button_group(key="explore_source").set_value("Image URL"))
    at.text_input(key="explore_url").input(f"{base}/square.png")
    rerun(at.button[0].click())  # the form's Fetch button
    assert len(errors(at)) == 1
    assert "Could not use that URL" in errors(at)[0] and "public" in errors(at)[0]
    assert hits == []  # refused before connecting
    assert shown_caption(at) == PHONE_CAPTION


def test_a_link_with_a_loopback_url_is_refused_too(image_server):
    base, hits = image_server
    at = start({"url": f"{base}/square.png"})
    assert at.button_group(key="explore_source").value == "Image URL"
    assert at.text_input(key="explore_url").value == f"{base}/square.png"
    assert len(errors(at)) == 1 and "public" in errors(at)[0]
    assert hits == []
    assert len(at.text) == 0  # nothing to show yet, and no exception


def test_url_fetch_path_with_an_allowing_policy(image_server):
    # The page's policy never allows 127.0.0.1, so the successful path is shown through the
    # same calc calls the page makes: fetch_image, then images.load.
    base, hits = image_server
    fetched = fetch_image(f"{base}/square.png",
                          policy=AddressPolicy.public().allowing("127.0.0.1/32"))
    loaded = images.load(fetched.data)
    assert loaded.info.size == (1024, 1024)
    assert hits == ["/square.png"]


@pytest.mark.parametrize(("name", "expected"), [
    # screenshot 1920×1080: short side 1080 → 768, long 1920 × 768/1080 = 1365.3 → 1365;
    # 3×2 tiles → 85 + 6 × 170 = 1,105
    ("screenshot", "1920×1080 → 1365×768 · 3×2 tiles · 1,105 tokens"),
    # document 2550×3300: fit 2048 → 1583×2048 (2550 × 2048/3300 = 1582.5 → half up 1583);
    # short 768 → 768×993 (2048 × 768/1583 = 993.6 → 993); 2×2 tiles → 765
    ("document", "2550×3300 → 768×993 · 2×2 tiles · 765 tokens"),
    # icon 64×64: kept; 1 tile → 255
    ("icon", "64×64 → 64×64 · 1×1 tiles · 255 tokens"),
    ("phone-photo", "3024×4032 → 768×1024 · 2×2 tiles · 765 tokens"),
])
def test_each_sample(name, expected):
    at = start()
    rerun(at.selectbox(key="explore_sample").set_value(name))
    assert expected in shown_caption(at)
    assert address(at)["sample"] == name
    assert at.session_state["shared_image"]["image"] is not None


def test_width_and_height_only():
    at = start()
    rerun(at.button_group(key="explore_source").set_value("Width × height"))
    at.number_input(key="explore_w").set_value(2048)
    at.number_input(key="explore_h").set_value(4096)
    rerun(at)
    choose(at, detail="high")
    # the spec's worked example, caption in the exact form
    assert shown_caption(at) == ("gpt-4o · high · 2048×4096 → 768×1536 · 2×3 tiles · "
                                 "1,105 tokens · $0.0028")
    assert at.session_state["shared_image"] is None  # a size only: nothing for Verify to send
    assert (address(at)["w"], address(at)["h"]) == ("2048", "4096")


# --- every control ---------------------------------------------------------------------------

def test_model_list_is_the_current_catalogue_with_badges():
    import calc

    at = start()
    options = at.selectbox(key="explore_model").options
    names = [o.split("  ·  ")[0].split(" · ")[0] for o in options]
    current = {m.name for m in calc.models() if m.status() != "shut down"}
    assert set(names) == current  # shut-down models are not offered by default
    for m in map(calc.resolve_model, names):
        label = next(o for o in options if o.startswith(m.name + " ") or o == m.name)
        if m.status() == "deprecated":  # e.g. gpt-4o: "gpt-4o · shuts down 2027-01-14"
            assert f"shuts down {m.shutdown}" in label
        else:
            assert "shut" not in label
    words = {"tile": "512 px tiles", "patch": "32 px patches", "image2": "gpt-image-2 input"}
    assert all(words[calc.resolve_model(n).family] in o for n, o in zip(names, options,
                                                                        strict=True))
    rerun(at.toggle(key="explore_shut_down").set_value(True))
    options = at.selectbox(key="explore_model").options
    assert any(o.startswith("o4-mini · shut down 2026-10-23") for o in options)
    assert any(o.startswith("gpt-image-1 · shut down 2026-10-23") for o in options)


def test_detail_offers_only_the_models_levels():
    at = start()
    labels = at.button_group(key="explore_detail").options
    assert labels == ["low", "high", "auto"]
    choose(at, model="gpt-5.4")
    labels = at.button_group(key="explore_detail").options
    assert labels == ["low", "high", "auto", "original"]
    choose(at, detail="original")
    # gpt-5.4 original on 3024×4032 (max side 6000: kept): 95 × 126 = 11,970 patches > 10,000
    # → r = √(32² × 10000 / (3024 × 4032)) = 0.9164; across 86.6 → 86, down 115.5 → 115;
    # × min(86/86.6, 115/115.5) = 0.9101 → 2752×3669 → 86 × 115 = 9,890 × 1.2 → 11,868
    assert "3024×4032 → 2752×3669 · 86×115 patches · 11,868 tokens" in shown_caption(at)
    choose(at, model="gpt-4o")  # no 'original': back to auto
    assert at.button_group(key="explore_detail").value == "auto"
    assert errors(at) == []


def test_fidelity_only_for_gpt_image_1_models():
    at = start()
    assert not [b for b in at.button_group if b.key == "explore_fidelity"]
    choose(at, model="gpt-image-2")  # fidelity is fixed there: no control
    assert not [b for b in at.button_group if b.key == "explore_fidelity"]
    choose(at, shut_down=True, model="gpt-image-1")
    assert at.button_group(key="explore_fidelity").options == ["low", "high"]
    # 3024×4032 → short side 512 → 512×682 → 1×2 tiles → 65 + 2 × 129 = 323
    assert "323 tokens" in shown_caption(at)
    choose(at, fidelity="high")
    assert "6,563 tokens" in shown_caption(at)  # 3:4 is not square: + 6,240
    choose(at, model="gpt-image-1-mini")  # low only
    assert at.button_group(key="explore_fidelity").options == ["low"]
    assert "323 tokens" in shown_caption(at)
    assert any("shut down" in m.value for m in at.markdown)  # its estimate says so


def test_rules_switch_and_both_numbers_side_by_side():
    at = start()
    choose(at, model="gpt-4.1-mini", detail="high")
    # 3024×4032 → fit 2048 → 1536×2048 → 48 × 64 = 3,072 patches.
    # billing (budget 1,536, measured): shrink: isqrt(1536·1536//2048) = 33 across → 1056×1408
    # → 33 × 44 = 1,452 patches × 1.62 = 2,352.24 → 2,353
    # documented (the current guide's 6,144 budget): 3,072 × 1.62 = 4,976.64 → 4,977
    assert metrics(at)["Tokens"] == "2,353"
    assert metrics(at)["Billing rules"] == "2,353"
    assert metrics(at)["Documented rules"] == "4,977"
    assert any("guide ≠ billing" in m.value for m in at.markdown)
    choose(at, rules="documented")
    assert metrics(at)["Tokens"] == "4,977"


def test_inferred_rule_is_marked():
    at = start()
    choose(at, model="gpt-6-sol")  # its profile: the guide has no row (metering.md §4)
    assert any("inferred" in m.value and "guide has no row" in m.value for m in at.markdown)
    choose(at, model="gpt-6-astra")  # documented: no inferred badge on its estimate
    assert not any("badge[inferred]" in m.value for m in at.markdown)
    table = html_table(at, "Model")  # the comparison still marks the inferred ones
    notes = dict(zip(table["Model"].str.removeprefix("▶ "), table["Note"], strict=True))
    assert "inferred" in notes["gpt-6-sol"] and "inferred" not in notes["gpt-6-astra"]


def test_tier_halves_the_price():
    at = start()
    choose(at, tier="batch")
    assert metrics(at)["$ per image"] == "$0.00096"  # 765 × $2.50/1M ÷ 2 = $0.00095625
    assert shown_caption(at).endswith("$0.00096 batch")
    assert at.session_state["shared_choice"]["tier"] == "batch"


def test_low_detail_heading_says_only_the_base_is_billed():
    at = choose(start(), detail="low")  # gpt-4o low: 85 base tokens, no tiles counted
    assert metrics(at)["Tokens"] == "85" and metrics(at)["Tiles"] == "base only"
    heading = [t for t in html_texts(at) if "as the model sees it" in t]
    assert heading and heading[0].endswith("— low detail: base tokens only")


def test_mapped_switch():
    at = start()
    heading = [t for t in html_texts(at) if t.startswith("2×2 tiles")]
    assert heading and "as the model sees it" in heading[0] and "768×1024" in heading[0]
    choose(at, mapped=True)
    heading = [t for t in html_texts(at) if t.startswith("2×2 tiles")]
    assert "mapped onto the original" in heading[0] and "3024×4032" in heading[0]


def test_the_picture_is_html_until_hover_and_zoom_is_asked_for():
    at = start()  # the sample on gpt-4o at high: 2×2 tiles over 768×1024
    pictures = [el.proto.body for el in at.get("html") if 'class="pw-overlay"' in el.proto.body]
    assert len(pictures) == 1 and not at.get("plotly_chart")
    assert 'aria-label="' + shown_caption(at) in pictures[0]  # the caption, for screen readers
    choose(at, interactive=True)
    assert not [el for el in at.get("html") if 'class="pw-overlay"' in el.proto.body]
    (chart,) = at.get("plotly_chart")
    figure = json.loads(chart.proto.spec)  # the Plotly overlay: hover cells and the grid
    assert [t["type"] for t in figure["data"]] == ["heatmap", "scatter"]
    assert "row %{customdata[0]} of 2" in figure["data"][0]["hovertemplate"]
    choose(at, interactive=False)
    assert not at.get("plotly_chart")


def test_steps_table_and_all_models():
    at = start()
    steps = html_table(at, "Step")
    assert list(steps["Step"]) == ["original", "fit 2048", "short side 768", "tiles", "tokens"]
    assert list(steps["Size"]) == ["3024×4032", "1536×2048", "768×1024", "768×1024",
                                   "768×1024"]
    table = html_table(at, "Model")
    assert {m.removeprefix("▶ ") for m in table["Model"]} == CURRENT_2026_12_03
    row = {m.removeprefix("▶ "): i for i, m in enumerate(table["Model"])}
    # auto on 3024×4032: gpt-6-luna means original → 95 × 126 = 11,970 patches × 1.2 = 14,364
    # tokens × $0.10/1M = $0.0014364; gpt-6-astra the same tokens × $10/1M = $0.14364
    assert table["Detail used"].iloc[row["gpt-6-luna"]] == "auto → original"
    assert table["Tokens"].iloc[row["gpt-6-luna"]] == "14,364"
    assert table["$ / image"].iloc[row["gpt-6-luna"]] == "$0.0014"
    assert table["$ / image"].iloc[row["gpt-6-astra"]] == "$0.1436"
    assert row["gpt-6-luna"] < row["gpt-6-astra"]  # cheapest first
    assert table["Detail used"].iloc[row["gpt-4o"]] == "auto → high"
    assert "▶ gpt-4o" in list(table["Model"])
    assert [b.label for b in at.get("download_button")] == ["Estimate JSON"]
    assert [b.label for b in at.button] == ["Overlay PNG"]  # drawn only when asked for


def test_a_link_restores_the_view():
    at = start({"model": "gpt-image-1", "detail": "high", "fidelity": "high",
                "rules": "documented", "tier": "batch", "w": "2048", "h": "4096"})
    assert warnings_(at) == []
    assert at.selectbox(key="explore_model").value == "gpt-image-1"
    assert at.button_group(key="explore_detail").value == "high"
    assert at.button_group(key="explore_fidelity").value == "high"
    assert at.button_group(key="explore_rules").value == "documented"
    assert at.button_group(key="explore_tier").value == "batch"
    assert at.button_group(key="explore_source").value == "Width × height"
    # 2048×4096 → short side 512 → 512×1024 → 1×2 tiles → 65 + 258 = 323; not square: + 6,240
    assert shown_caption(at).startswith("gpt-image-1 · fidelity high · 2048×4096 → 512×1024 · "
                                        "1×2 tiles · 6,563 tokens")
    assert address(at)["model"] == "gpt-image-1"


def test_a_link_to_a_sample():
    at = start({"model": "gpt-5-mini", "detail": "high", "sample": "screenshot"})
    # 1920×1080: 60 × 34 = 2,040 patches > 1,536 → r = √(32² × 1536 / (1920 × 1080)) = 0.8709;
    # across 52.3 → 52, down 29.4 → 29; × min(52/52.3, 29/29.4) → 1649×928 → 52 × 29 = 1,508
    # patches × 1.2 = 1,809.6 → 1,810
    assert shown_caption(at).startswith("gpt-5-mini · high · 1920×1080 → 1649×928 · 52×29 "
                                        "patches · 1,810 tokens")
    assert at.selectbox(key="explore_sample").value == "screenshot"


def test_a_link_with_the_largest_size():
    # 1,000,000 × 1 (calc's largest side): fit 2048 → short side 1 × 2048 / 1e6 = 0.002, which
    # rounds to 0; a side is never less than 1 px → 2048×1 → 4 × 1 tiles
    at = start({"w": "1000000", "h": "1", "detail": "high"})
    assert warnings_(at) == [] and errors(at) == []
    assert shown_caption(at).startswith("gpt-4o · high · 1000000×1 → 2048×1 · 4×1 tiles · "
                                        "765 tokens")  # 85 + 4 × 170


def test_bad_link_values_fall_back_with_notices():
    at = start({"model": "gpt-99", "detail": "ultra", "rules": "folklore", "tier": "cheapest",
                "w": "0", "h": "abc"})
    notices = warnings_(at)
    assert len(notices) == 5
    assert all(n.startswith("From the link:") for n in notices)
    assert at.selectbox(key="explore_model").value == "gpt-5.6-sol"  # the default model
    assert at.button_group(key="explore_rules").value == "billing"
    # the default view: gpt-5.6-sol, auto = original (65535 fit: kept) on the phone photo:
    # ⌈3024/32⌉ × ⌈4032/32⌉ = 95 × 126 = 11,970 patches × 1.2 = 14,364 × $5/1M = $0.07182
    # (from 2026-12-01; $4 during the promotion that ended 2026-11-30)
    assert shown_caption(at) == ("gpt-5.6-sol · auto → original · 3024×4032 → 3024×4032 · "
                                 "95×126 patches · 14,364 tokens · $0.0718")
    assert errors(at) == []
    rerun(at)  # notices are said once
    assert warnings_(at) == []


def test_first_visit_opens_on_a_current_mainstream_model():
    at = start(pinned=None)
    assert at.selectbox(key="explore_model").value == "gpt-5.6-sol"
    assert metrics(at)["Tokens"] == "14,364"  # as above
    assert metrics(at)["$ per image"] == "$0.0718"
    assert metrics(at)["$ per 1,000 images"] == "$71.82"  # 14,364 × $5/1M × 1,000


def test_a_deprecated_model_says_when_it_shuts_down():
    at = start({"model": "gpt-5-mini", "w": "1024", "h": "1024"})
    # 1024×1024 → 32 × 32 = 1,024 patches × 1.2 = 1,228.8 → 1,229
    assert metrics(at)["Tokens"] == "1,229"
    assert any("deprecated" in m.value and "2026-12-11" in m.value for m in at.markdown)


def test_a_rejected_image_is_shown_as_a_rejection_with_two_ways_out():
    at = start({"model": "gpt-6-sol", "w": "7952", "h": "5304"})
    # auto = original: no budget; ⌈7952/32⌉ × ⌈5304/32⌉ = 249 × 166 = 41,334 > 30,000 (§5)
    assert metrics(at)["Tokens"] == "rejected"
    assert metrics(at)["Patches needed"] == "41,334"
    assert metrics(at)["Limit per image"] == "30,000"
    assert "$ per image" not in metrics(at)
    assert any("Rejected by the API" in e for e in errors(at))
    labels = [b.label for b in at.button]
    # high: none/2500, no fit → shrink(7952×5304, 2500): 60 × 40 = 2,400 patches → 2,880 tokens
    # × $2/1M = $0.00576
    assert "Detail high: 2,880 tokens, $0.0058" in labels
    # the largest accepted: shrink(7952×5304, 30000) = 6764×4512 (metering.md §5), 212 × 141 =
    # 29,892 patches × 1.2 = 35,870.4 → 35,871 tokens
    resize = next(b for b in at.button if b.label.startswith("Resize to 6764×4512"))
    assert resize.label == "Resize to 6764×4512: 35,871 tokens, $0.0717"  # × $2/1M = $0.071742
    rerun(resize.click())
    assert metrics(at)["Tokens"] == "35,871"
    assert metrics(at)["Patches"] == "212×141"


def test_image_survives_a_visit_to_another_page():
    at = upload(start(), "square.png", png(1024, 1024))
    choose(at, model="gpt-5-mini")
    at.switch_page("pages/plan.py")
    rerun(at)
    at.switch_page("pages/explore.py")
    rerun(at)
    assert at.selectbox(key="explore_model").value == "gpt-5-mini"
    assert "1024×1024" in shown_caption(at) and "1,229 tokens" in shown_caption(at)


def test_the_upload_in_use_is_named_inertly_after_a_round_trip():
    name = "[Log in](https://evil.example) **now**.png"
    at = upload(start(), name, png(64, 64))
    at.switch_page("pages/plan.py")
    rerun(at)
    at.switch_page("pages/explore.py")
    rerun(at)
    (using,) = [c.value for c in at.caption if "Using" in c.value]
    assert md(name) in using  # escaped: no link, no bold from the file's name
    assert any(t.startswith(f"{name} · PNG · 64×64 px") for t in html_texts(at))


def test_a_file_dropped_just_before_opening_another_page_is_kept():
    """The upload's rerun is the other page's: Explore never ran with the file, and Streamlit
    forgets the uploader's file while that page is shown. On return the file is in use."""
    at = start()
    rerun(at.button_group(key="explore_source").set_value("Upload"))
    at.file_uploader(key="explore_upload").set_value(("late.png", png(1024, 1024), "image/png"))
    at.switch_page("pages/plan.py")
    rerun(at)  # the run that carries the new file is Plan's
    at.switch_page("pages/explore.py")
    rerun(at)
    assert "1024×1024" in shown_caption(at)
    assert at.session_state["shared_image"]["label"] == "late.png"
    assert "explore_pending_upload" not in at.session_state  # used once, then let go
    rerun(at)  # and a later run keeps the image
    assert at.session_state["shared_image"]["label"] == "late.png"


# --- the drawing helpers the page uses -------------------------------------------------------

def test_figure_draws_ten_thousand_patches_with_one_line_trace():
    import math

    import calc
    from calc.views.explore_overlay import overlay
    from pages.helpers.overlay_figure import build_figure

    ov = overlay(calc.estimate(6000, 6000, "gpt-5.4", "original"))  # 100 × 100 patches
    fig = build_figure(ov, None)
    assert [t.type for t in fig.data] == ["heatmap", "scatter"]
    lines = fig.data[1]
    gaps = sum(math.isnan(x) for x in lines.x)
    assert gaps == 101 + 101  # one per line, not one per cell
    assert len(fig.layout.shapes) == 1  # the placeholder: no padding at 3200 = 100 × 32
    hover = fig.data[0]
    assert hover.customdata.shape == (100, 100, 2)
    assert tuple(hover.customdata[0][0]) == (1, 1)
    assert tuple(hover.customdata[99][41]) == (100, 42)  # row 100, column 42
    assert "row %{customdata[0]} of 100" in hover.hovertemplate
    assert "column %{customdata[1]} of 100" in hover.hovertemplate


def test_figure_with_padding_and_an_image():
    import calc
    from calc.views.explore_overlay import overlay
    from pages.helpers.overlay_figure import build_figure

    ov = overlay(calc.estimate(100, 50, "gpt-4.1-mini", "high"))  # 4 × 2 patches over 128×64
    fig = build_figure(ov, "data:image/webp;base64,AAAA")
    assert [(s.x0, s.y0, s.x1, s.y1) for s in fig.layout.shapes] == [(100, 0, 128, 64),
                                                                      (0, 50, 100, 64)]
    assert all(s.fillcolor == "#000000" for s in fig.layout.shapes)
    image = fig.layout.images[0]
    assert (image.x, image.y, image.sizex, image.sizey) == (0, 0, 100, 50)  # model pixels
    assert tuple(fig.layout.xaxis.range) == (0, 128) and tuple(fig.layout.yaxis.range) == (64, 0)


def test_overlay_png_has_image_padding_and_lines():
    import calc
    from calc.views.explore_overlay import overlay
    from pages.helpers.overlay_figure import overlay_png

    est = calc.estimate(2048, 4096, "gpt-4o", "high")  # 768×1536 in 2 × 3 tiles
    white = Image.new("RGB", (2048, 4096), "white")
    out = Image.open(io.BytesIO(overlay_png(white, overlay(est)))).convert("RGB")
    assert out.size == (1024, 1536)
    assert out.getpixel((900, 100)) == (0, 0, 0)  # padding beyond 768 px is black
    assert out.getpixel((300, 300)) == (255, 255, 255)  # the image
    r, g, b = out.getpixel((512, 300))  # the line between the two tile columns
    assert r > 200 and 150 < g < 230 and b < 60
    r, g, b = out.getpixel((300, 1024))  # the line between rows 2 and 3
    assert r > 200 and b < 60
    # mapped onto the original: the same cells in the original's pixels
    small = calc.estimate(1000, 2000, "gpt-4o", "high")  # model sees 768×1536: 2 × 3 tiles
    mapped = overlay(small, mapped=True)
    out = Image.open(io.BytesIO(overlay_png(Image.new("RGB", (1000, 2000), "white"), mapped)))
    assert out.size == (round(1024 * 1000 / 768), 2000)
    assert out.convert("RGB").getpixel((1200, 100)) == (0, 0, 0)
    # a size without a picture: a neutral placeholder where the image would be
    out = Image.open(io.BytesIO(overlay_png(None, overlay(est)))).convert("RGB")
    assert out.getpixel((300, 300)) != (0, 0, 0) and out.getpixel((900, 100)) == (0, 0, 0)
