"""Two visitors at once never meet: two sessions of the whole app (app.py), driven step by step
in turn — each uploads on Explore, pastes a key and measures on Verify, one lists models and the
other calibrates, both read a CSV on Plan — and neither sees the other's uploads, key, results,
calibration rows, model list or Plan. Both use one FakeOpenAI and one calibration log file, and
share the process's caches as two browser sessions of one server do. (tests/browser/
test_two_visitors.py does the same with two browsers against one `streamlit run` server, the
sessions' calls in flight at the same moment.)
"""

from __future__ import annotations

import base64
import io
from dataclasses import astuple
from pathlib import Path

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from calc.adapters.calibration_store import CalibrationLog
from tests.fakes.apptest import shown
from tests.fakes.fake_openai import FakeOpenAI

APP = str(Path(__file__).resolve().parents[2] / "app.py")
KEYS = {"A": "sk-proj-VisitorAlpha0123456789abcdefgh", "B": "sk-proj-VisitorBravo9876543210zyxwvu"}
SIZES = {"A": (64, 64), "B": (1024, 512)}
# gpt-4o: 64×64 is one tile (85 + 170 = 255); 1024×512 is 2×1 tiles (85 + 2 × 170 = 425).
TOKENS = {"A": 255, "B": 425}
CSV = {"A": "width,height,count\n1024,1024,7\n", "B": "width,height,count\n512,512,3\n"}
IMAGES = {"A": 7, "B": 3}


def png(w: int, h: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (20, 120, 60)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "calibration.sqlite3"


@pytest.fixture
def fake(monkeypatch, db):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "PATCHWORK_SHARED_LOG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATCHWORK_ALLOW_PRIVATE_ENDPOINTS", "true")  # the fake is on 127.0.0.1
    monkeypatch.setenv("PATCHWORK_CALIBRATION_DB", str(db))
    with FakeOpenAI(keys=tuple(KEYS.values())) as f:
        yield f


class Visitor:
    """One browser session of the whole app."""

    def __init__(self, name: str, fake: FakeOpenAI) -> None:
        self.name, self.fake = name, fake
        self.at = AppTest.from_file(APP, default_timeout=60)
        self.at.secrets["_isolated_from_real_secrets"] = "yes"
        self.at.query_params["model"] = "gpt-4o"
        self.run()

    def run(self, target=None) -> None:
        (target or self.at).run()
        assert not self.at.exception, [e.value for e in self.at.exception]

    def upload_on_explore(self) -> None:
        self.run(self.at.button_group(key="explore_source").set_value("Upload"))
        self.at.file_uploader(key="explore_upload").set_value(
            (f"visitor-{self.name}.png", png(*SIZES[self.name]), "image/png"))
        self.run()

    def open(self, page: str) -> None:
        self.at.switch_page(f"pages/{page}.py")
        self.run()

    def paste_key(self) -> None:
        self.run(self.at.text_input(key="verify_key_field").input(KEYS[self.name]))
        self.run(self.at.text_input(key="verify_base_field").input(self.fake.base_url))

    def click(self, key: str) -> None:
        self.run(self.at.button(key=key).click())

    def read_csv_on_plan(self) -> None:
        self.run(self.at.segmented_control(key="plan_source").set_value("csv"))
        self.at.file_uploader(key="plan_csv").set_value(
            (f"visitor-{self.name}.csv", CSV[self.name].encode(), "text/csv"))
        self.run()

    # --- what the visitor sees

    def text(self) -> str:
        parts = [shown(e.value) for kind in ("markdown", "caption", "info", "success",
                                              "warning", "error") for e in getattr(self.at, kind)]
        parts += [f"{m.label} {m.value}" for m in self.at.metric]
        parts += [df.value.to_csv() for df in self.at.dataframe]
        parts += [t.value or "" for t in self.at.text_input]
        return "\n".join(parts)

    def table(self, column: str):
        found = [df.value for df in self.at.dataframe if column in df.value.columns]
        return found[0] if found else None


def sizes_sent_with(fake: FakeOpenAI, key: str) -> set[tuple[int, int]]:
    """Every image size in the requests made with `key`."""
    found = set()
    for r in fake.requests:
        if r.headers.get("authorization") != f"Bearer {key}":
            continue
        for url in _data_urls(r.body):
            raw = base64.b64decode(url.split(",", 1)[1])
            found.add(Image.open(io.BytesIO(raw)).size)
    return found


def _data_urls(node) -> list[str]:
    if isinstance(node, dict):
        return [u for v in node.values() for u in _data_urls(v)]
    if isinstance(node, list):
        return [u for v in node for u in _data_urls(v)]
    return [node] if isinstance(node, str) and node.startswith("data:image/") else []


@pytest.mark.today("2026-12-03")  # gpt-4o is offered (it shuts down 2027-01-14, metering.md §10)
def test_two_visitors_working_at_the_same_time_never_meet(fake, db):
    a, b = Visitor("A", fake), Visitor("B", fake)
    both = (a, b)  # every step is taken by A, then B, before the next step
    for v in both:
        v.upload_on_explore()
    for v in both:
        v.open("verify")
    for v in both:
        v.paste_key()
    for v in both:  # Verify starts from the image and the model each chose on Explore
        assert f"From Explore: visitor-{v.name}.png" in v.text()
        assert v.at.selectbox(key="verify_model").value == "gpt-4o"
    for v in both:
        v.click("verify_go")
    a.click("verify_list_models")
    b.run(b.at.selectbox(key="verify_calib_model").set_value("gpt-4o"))
    b.click("verify_calib_go")
    for v in both:
        v.open("plan")
    for v in both:
        v.read_csv_on_plan()
    plans = {v.name: v.text() for v in both}
    for v in both:
        v.open("verify")

    for v, other in ((a, b), (b, a)):
        seen = v.text()
        # Its own measurement, and nothing of the other's.
        assert [m.value for m in v.at.metric if m.label == "Reported by the API"] == \
            [str(TOKENS[v.name])]
        assert f"visitor-{other.name}" not in seen
        assert KEYS[other.name] not in seen and KEYS[v.name] not in seen  # no key is shown
        assert v.at.session_state["verify_key_typed"] == KEYS[v.name]
        assert f"{IMAGES[v.name]} images from your CSV" in plans[v.name]
        assert f"{IMAGES[other.name]} images from your CSV" not in plans[v.name]
        # Every request made with this visitor's key carried only this visitor's images (and
        # calibration's solid squares for B).
        sent = sizes_sent_with(fake, KEYS[v.name])
        assert SIZES[v.name] in sent and SIZES[other.name] not in sent

    # A listed the models; B did not, and does not see A's list.
    assert a.table("catalogue model") is not None and b.table("catalogue model") is None
    # B calibrated; A sees no calibration, and each log holds only its own rows.
    assert b.table("documented rules") is not None and a.table("documented rules") is None
    log_a, log_b = a.table("rules version"), b.table("rules version")
    assert list(log_a["size"]) == ["64×64"]
    assert "1024×512" in list(log_b["size"]) and "64×64" not in list(log_b["size"])
    assert len(log_b) == 1 + 7  # the count and gpt-4o's seven calibration sizes
    rows = CalibrationLog(db).rows()  # one file holds both, each row with its session
    assert len(rows) == len(log_a) + len(log_b)
    assert a.at.session_state["patchwork_session"] != b.at.session_state["patchwork_session"]
    assert not [v for r in rows for v in astuple(r) for key in KEYS.values() if key in str(v)]
