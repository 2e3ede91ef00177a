"""Explore beside a rejection: the image itself offered for download at the largest size of its
shape the API accepts (calc.fit). Known answer: metering.md §5, 7952×5304 on gpt-6-sol at auto →
6764×4512."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.fakes.apptest import run

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def png(w: int, h: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), "white").save(buf, "PNG")
    return buf.getvalue()


def downloads(at: AppTest) -> list[str]:
    return [d.proto.label for d in at.get("download_button")]


def test_a_rejected_upload_is_offered_fitted():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"model": "gpt-6-sol"})
    run(at)
    at.button_group(key="explore_source").set_value("Upload")
    run(at)
    at.file_uploader(key="explore_upload").set_value(("big.png", png(7952, 5304), "image/png"))
    run(at)
    assert "Download it at 6764×4512" in downloads(at)
    at.button_group(key="explore_detail").set_value("high")  # accepted at high: no download
    run(at)
    assert not any(d.startswith("Download it at") for d in downloads(at))


def test_a_typed_size_has_nothing_to_resize():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"model": "gpt-6-sol", "w": "7952", "h": "5304"})
    run(at)
    assert any(b.label.startswith("Resize to 6764×4512") for b in at.button)
    assert not any(d.startswith("Download it at") for d in downloads(at))
