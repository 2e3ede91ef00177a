"""The Plan page under AppTest: each way in, bad rows, the advisor, volume, tier and Generate.

AppTest (Streamlit 1.67) can set file uploads, including several files at once, so the uploads
here go through the real st.file_uploader. Expected figures are summed from calc.estimate here.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

import calc
from calc.engine.rules import fit_long

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "plan.py")
DEFAULT = ["gpt-4o", "gpt-4.1", "gpt-4.1-mini", "gpt-5", "gpt-5-mini", "gpt-5-nano", "o4-mini"]
PRESETS = [(4032, 3024, 40), (1920, 1080, 25), (2550, 3300, 15), (1024, 1024, 15), (256, 256, 5)]


def open_page(**query: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return run(at)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def param(at: AppTest, key: str) -> str:
    value = at.query_params[key]
    return value[-1] if isinstance(value, list) else value


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    tables = [d.value for d in at.dataframe if column in d.value.columns]
    assert tables, f"no table with a {column!r} column"
    return tables[0]


def summary(at: AppTest) -> dict[str, pd.Series]:
    table = table_with(at, "usd_per_month")
    return {row["model"]: row for _, row in table.iterrows()}


def monthly_usd(entries, model, images_per_day=1000, days=30, factor=1.0) -> float:
    """Σ weight × calc.estimate(...).usd / Σ weight × images a day × days."""
    weight = sum(n for _, _, n in entries)
    per_image = sum(n * calc.estimate(w, h, model).usd for w, h, n in entries) / weight
    return per_image * images_per_day * days * factor


def png(size, orientation=None, fmt="PNG") -> bytes:
    buf = io.BytesIO()
    params = {}
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        params["exif"] = exif
    Image.new("RGB", size, "orange").save(buf, fmt, **params)
    return buf.getvalue()


# --- a size mix (the default way in) and the link ------------------------------------------------


def test_default_mix_costs_every_default_model_cheapest_first():
    at = open_page()
    assert not at.warning and not at.error
    table = table_with(at, "usd_per_month")
    assert sorted(table["model"]) == sorted(DEFAULT)
    assert table["usd_per_month"].is_monotonic_increasing
    rows = summary(at)
    for model in DEFAULT:
        assert rows[model]["usd_per_month"] == pytest.approx(monthly_usd(PRESETS, model))
    cheapest = table.iloc[0]
    metric = at.metric[0]
    assert metric.label == f"Cheapest: {cheapest['model']}"
    assert metric.value == f"${monthly_usd(PRESETS, cheapest['model']):,.2f} / month"
    assert len(at.get("plotly_chart")) >= 3  # monthly bar, volume line, advisor


def test_the_mix_plan_is_written_to_the_url():
    at = open_page()
    assert param(at, "mix") == "4032x3024:40,1920x1080:25,2550x3300:15,1024x1024:15,256x256:5"
    at.number_input(key="plan_rpd").set_value(2500)
    run(at)
    assert param(at, "rpd") == "2500"


def test_a_link_opens_its_plan():
    at = open_page(mix="1024x1024:100", models="gpt-4o", rpd="2000", tier="batch", days="30")
    rows = summary(at)
    assert list(rows) == ["gpt-4o"]
    # 765 tokens (spec §1) × $2.50 per 1M × 2000 a day × 30 days, batch half price
    assert rows["gpt-4o"]["usd_per_month"] == pytest.approx(765 * 2.5 / 1e6 * 2000 * 30 / 2)
    assert at.button_group(key="plan_source").value == "A size mix"


def test_bad_link_values_become_defaults_with_a_notice():
    at = open_page(mix="800x600:100", rpd="lots", days="99", models="gpt-image-1,gpt-5",
                   tier="gold")
    notices = " ".join(w.value for w in at.warning)
    for part in ("requests per day 'lots'", "days per month '99'", "'gpt-image-1'",
                 "price tier 'gold'"):
        assert part in notices
    rows = summary(at)
    assert list(rows) == ["gpt-5"]
    assert rows["gpt-5"]["usd_per_month"] == pytest.approx(
        monthly_usd([(800, 600, 1)], "gpt-5", 1000, 30))


def test_editing_the_mix_flags_bad_rows_and_keeps_the_rest():
    at = open_page()
    at.session_state["plan_mix_editor_0"] = {
        "edited_rows": {0: {"share": 0}},  # no more phone photos
        "added_rows": [{"name": "negative", "width": -5, "height": 10, "share": 5},
                       {"name": "no share", "width": 640, "height": 480}],
        "deleted_rows": [],
    }
    run(at)
    bad = table_with(at, "reason")
    assert dict(zip(bad["name"], bad["reason"], strict=True)) == {
        "negative": "width is negative", "no share": "share is missing"}
    left = [e for e in PRESETS if e[0] != 4032]
    assert summary(at)["gpt-4o"]["usd_per_month"] == pytest.approx(monthly_usd(left, "gpt-4o"))
    assert param(at, "mix") == "1920x1080:25,2550x3300:15,1024x1024:15,256x256:5"


# --- many images ---------------------------------------------------------------------------------


def test_many_images_and_a_zip_uploaded_together():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("scans/page-1.png", png((2550, 3300)))
        zf.writestr("../evil.jpg", png((300, 200), fmt="JPEG"))
        zf.writestr("scans/notes.txt", b"not an image")
    at = open_page()
    at.button_group(key="plan_source").set_value("Many images")
    run(at)
    at.file_uploader(key="plan_images").set_value([
        ("phone.jpg", png((4032, 3024), orientation=6, fmt="JPEG"), "image/jpeg"),
        ("shot.png", png((1920, 1080)), "image/png"),
        ("readme.md", b"# hello", "text/markdown"),
        ("batch.zip", archive.getvalue(), "application/zip"),
    ])
    run(at)
    per_image = table_with(at, "gpt-4o tokens")
    seen = dict(zip(per_image["name"], zip(per_image["width"], per_image["height"],
                                           strict=True), strict=True))
    assert seen == {"phone.jpg": (3024, 4032), "shot.png": (1920, 1080),
                    "scans/page-1.png": (2550, 3300), "../evil.jpg": (300, 200)}
    skipped = table_with(at, "why")
    assert sorted(skipped["file"]) == ["readme.md", "scans/notes.txt"]
    images = [(3024, 4032, 1), (1920, 1080, 1), (2550, 3300, 1), (300, 200, 1)]
    rows = summary(at)
    for model in ("gpt-4o", "gpt-5-mini"):
        assert rows[model]["usd_per_month"] == pytest.approx(monthly_usd(images, model))
    assert per_image["gpt-4o tokens"].tolist() == [
        calc.estimate(w, h, "gpt-4o").tokens for w, h in seen.values()]


def test_a_zip_that_claims_to_expand_too_far_is_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("huge.png", png((10, 10)))
    data = bytearray(archive.getvalue())
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 2**31)  # its directory now declares 2 GiB
    at = open_page()
    at.button_group(key="plan_source").set_value("Many images")
    run(at)
    at.file_uploader(key="plan_images").set_value([("bomb.zip", bytes(data),
                                                    "application/zip")])
    run(at)
    assert any("bomb.zip" in e.value and "refused" in e.value for e in at.error)
    assert not [d for d in at.dataframe if "usd_per_month" in d.value.columns]


# --- a CSV ---------------------------------------------------------------------------------------

BAD_LINES = {
    ",100": "width is missing",
    "abc,100": "width is not a number",
    "0,100": "width is zero",
    "-4,100": "width is negative",
    "100001,100": "width is over 100,000 px",
    "20000,5001": "over 100 megapixels",
    "100,100,0": "count is zero",
    "100,100,1,ultra": "unknown detail 'ultra' (use low, high, auto, original)",
    "100,100,1,,gpt-9": "unknown model 'gpt-9'",
}


def upload_csv(at: AppTest, data: bytes) -> AppTest:
    at.button_group(key="plan_source").set_value("A CSV")
    run(at)
    at.file_uploader(key="plan_csv").set_value(("sizes.csv", data, "text/csv"))
    return run(at)


def test_csv_bad_rows_are_flagged_and_left_out_of_the_totals():
    good = [(1024, 1024, 3), (4032, 3024, 1)]
    text = "width,height,count,detail,model\n" + "\n".join(BAD_LINES) + "\n" + "\n".join(
        f"{w},{h},{n}" for w, h, n in good) + "\n"
    at = upload_csv(open_page(), text.encode())
    bad = table_with(at, "reason")
    assert bad["reason"].tolist() == list(BAD_LINES.values())
    assert bad["line"].tolist() == list(range(2, 2 + len(BAD_LINES)))
    assert any(f"{len(BAD_LINES)} lines left out" in w.value for w in at.warning)
    rows = summary(at)
    for model in DEFAULT:
        assert rows[model]["usd_per_month"] == pytest.approx(monthly_usd(good, model))


def test_a_file_that_is_not_a_csv_is_explained():
    at = upload_csv(open_page(), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    assert any("cannot be used" in e.value and "binary" in e.value for e in at.error)
    assert not [d for d in at.dataframe if "usd_per_month" in d.value.columns]


def test_template_csv_is_offered():
    at = upload_csv(open_page(), b"width,height\n10,10\n")
    assert any(b.label == "Template CSV" for b in at.get("download_button"))


# --- advisor, tier, volume, models ---------------------------------------------------------------


def test_the_advisor_matches_calc_on_pre_resized_images():
    at = open_page()
    advice = table_with(at, "pixels_kept")
    assert set(advice["model"]) == {"gpt-4o"}  # the first model is chosen
    by_fit = {row["fit"]: row for _, row in advice.iterrows()}
    weight = sum(n for _, _, n in PRESETS)
    for side in (1024, 512):
        tokens = sum(n * calc.estimate(*fit_long(w, h, side), "gpt-4o").tokens
                     for w, h, n in PRESETS) / weight
        assert by_fit[f"fit {side} px"]["avg_image_tokens"] == pytest.approx(tokens)
    as_sent = sum(n * calc.estimate(w, h, "gpt-4o").tokens for w, h, n in PRESETS) / weight
    saved = (as_sent - by_fit["fit 512 px"]["avg_image_tokens"]) * 1000 * 30
    assert by_fit["fit 512 px"]["tokens_saved_per_month"] == pytest.approx(saved)
    assert by_fit["as sent"]["pixels_kept"] == 1


def test_tier_and_volume_change_the_monthly_figures():
    at = open_page()
    base = summary(at)["gpt-5"]["usd_per_month"]
    at.button_group(key="plan_tier").set_value("batch")
    run(at)
    assert summary(at)["gpt-5"]["usd_per_month"] == pytest.approx(base / 2)
    at.number_input(key="plan_rpd").set_value(5000)
    at.number_input(key="plan_ipr").set_value(2)
    at.number_input(key="plan_days").set_value(20)
    run(at)
    assert summary(at)["gpt-5"]["usd_per_month"] == pytest.approx(
        monthly_usd(PRESETS, "gpt-5", images_per_day=10_000, days=20, factor=0.5))
    assert at.metric[1].value == "10,000"


def test_choosing_models_and_none():
    at = open_page()
    at.multiselect(key="plan_models").set_value(["o3", "gpt-4.1-nano"])
    run(at)
    assert sorted(summary(at)) == ["gpt-4.1-nano", "o3"]
    at.multiselect(key="plan_models").set_value([])
    run(at)
    assert any("at least one model" in w.value for w in at.warning)


# --- Generate ------------------------------------------------------------------------------------


def test_generate_output_cost_known_answer():
    at = open_page()
    values = {m.label: m.value for m in at.metric}
    # gpt-image-1, medium, 1024×1024: 1056 output tokens at $40 per 1M (spec §4, §7)
    assert values["Per image"] == f"${1056 * 40 / 1e6:.4f}"
    at.selectbox(key="gen_model").set_value("gpt-image-1-mini")
    at.button_group(key="gen_quality").set_value("high")
    at.number_input(key="gen_n").set_value(4)
    at.number_input(key="gen_rpd").set_value(1000)
    run(at)
    values = {m.label: m.value for m in at.metric}
    assert values["Per request"] == f"${4 * 4160 * 8 / 1e6:.4f}"
    assert values["Per day"] == f"${4 * 4160 * 8 / 1e6 * 1000:,.2f}"


def test_generate_edit_inputs_and_the_refused_fidelity():
    at = open_page()
    at.toggle(key="gen_edit").set_value(True)
    run(at)
    at.button_group(key="gen_fidelity").set_value("high")
    run(at)
    parts = table_with(at, "tokens per request")
    inputs = dict(zip(parts["part"], parts["tokens per request"], strict=True))
    assert inputs["Input images"] == calc.estimate(1024, 1024, "gpt-image-1",
                                                   fidelity="high").tokens == 194 + 4160
    at.selectbox(key="gen_model").set_value("gpt-image-1-mini")
    run(at)
    errors = " ".join(e.value for e in at.error)
    assert "gpt-image-1-mini supports only low input fidelity" in errors
    assert not [m for m in at.metric if m.label == "Per image"]
    at.button_group(key="gen_fidelity").set_value("low")
    run(at)
    parts = table_with(at, "tokens per request")
    assert dict(zip(parts["part"], parts["tokens per request"], strict=True))[
        "Input images"] == 194


def test_switching_ways_in_loses_nothing():
    at = open_page()
    at.session_state["plan_mix_editor_0"] = {"edited_rows": {0: {"share": 0}},
                                             "added_rows": [], "deleted_rows": []}
    run(at)
    at = upload_csv(at, b"width,height\n640,480\n")
    csv_cost = summary(at)["gpt-4o"]["usd_per_month"]
    assert csv_cost == pytest.approx(monthly_usd([(640, 480, 1)], "gpt-4o"))
    at.button_group(key="plan_source").set_value("A size mix")
    run(at)
    left = [e for e in PRESETS if e[0] != 4032]  # the edit is still there
    assert summary(at)["gpt-4o"]["usd_per_month"] == pytest.approx(monthly_usd(left, "gpt-4o"))
    at.button_group(key="plan_source").set_value("A CSV")
    run(at)
    assert summary(at)["gpt-4o"]["usd_per_month"] == pytest.approx(csv_cost)
    assert any("uploaded before" in c.value for c in at.caption)
