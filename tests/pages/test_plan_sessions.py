"""Plan's parsed uploads are per browser session and bounded (issue 9): one visitor's CSV or
images are read into their own session, never into a cache every session shares. And Plan's
month chart (issue 10)."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from calc.views import manifest
from tests.fakes.apptest import page, run

PAGE = page("plan.py")
MAX_READ = 3  # pages/plan.py: parsed uploads kept per session


def session(source: str) -> AppTest:
    at = run(AppTest.from_file(PAGE, default_timeout=60))
    at.segmented_control(key="plan_source").set_value(source)
    return run(at)


def upload_csv(at: AppTest, text: str, name: str = "sizes.csv") -> AppTest:
    at.file_uploader(key="plan_csv").set_value((name, text.encode(), "text/csv"))
    return run(at)


def kept(at: AppTest, name: str) -> dict:
    try:
        return dict(at.session_state[f"_session_cache_{name}"])
    except KeyError:  # nothing cached in this session yet
        return {}


def statement(at: AppTest) -> str:
    return next(i.value for i in at.info if "from your CSV" in i.value)


@pytest.fixture
def reads(monkeypatch) -> list[bytes]:
    """Every time the page really parses a CSV (not served from a cache)."""
    calls: list[bytes] = []
    real = manifest.read_manifest

    def spy(data, *args, **kwargs):
        calls.append(bytes(data.getvalue()))
        return real(data, *args, **kwargs)

    monkeypatch.setattr(manifest, "read_manifest", spy)
    return calls


def test_two_sessions_each_keep_their_own_parse_of_an_upload(reads):
    text = "width,height,count\n1024,1024,7\n"
    a = upload_csv(session("csv"), text)
    assert statement(a).startswith("7 images from your CSV")
    (workload_a,) = [w for w, _ in kept(a, "plan_csv").values()]
    b = session("csv")
    assert kept(b, "plan_csv") == {}  # nothing of A's upload is in B's session
    upload_csv(b, text)
    (workload_b,) = [w for w, _ in kept(b, "plan_csv").values()]
    assert len(reads) == 2  # B parsed its own upload
    assert workload_b is not workload_a
    a.number_input(key="plan_rpd").set_value(5)
    run(a)
    assert len(reads) == 2  # a rerun in A is served from A's own session


def test_the_per_session_cache_stays_bounded(reads):
    at = session("csv")
    for n in range(1, MAX_READ + 3):
        upload_csv(at, f"width,height,count\n512,512,{n}\n", name=f"day{n}.csv")
        assert len(kept(at, "plan_csv")) == min(n, MAX_READ)
        assert statement(at).startswith(f"{n} images from your CSV")  # the newest file
    assert len(reads) == MAX_READ + 2


def test_uploaded_images_are_kept_per_session_too():
    def png(w: int, h: int) -> bytes:
        buf = io.BytesIO()
        Image.new("RGB", (w, h), (9, 9, 9)).save(buf, "PNG")
        return buf.getvalue()

    a = session("images")
    a.file_uploader(key="plan_images").set_value(
        [("a.png", png(300, 200), "image/png"), ("b.png", png(64, 64), "image/png")])
    run(a)
    (workload,) = kept(a, "plan_images").values()
    assert sorted(zip(workload.rows["width"], workload.rows["height"], strict=True)) == \
        [(64, 64), (300, 200)]
    assert kept(session("images"), "plan_images") == {}


# --- the month chart (issue 10: Plan's figure, cached on its inputs) -----------------------------


def chart_bars(at: AppTest) -> list[tuple[str, str]]:
    """(model, amount) of each bar of the month chart, read from the HTML the page shows."""
    (chart,) = [h.proto.body for h in at.get("html") if 'class="pw-month"' in h.proto.body]
    return re.findall(r'<span class="pw-model">([^<]*)</span>.*?'
                      r'<span class="pw-amount">([^<]*)</span>', chart)


def test_the_month_chart_shows_the_tables_months_and_follows_the_volume():
    at = run(AppTest.from_file(PAGE, default_timeout=60))
    table = next(d.value for d in at.dataframe if "$ / month" in d.value.columns)
    before = chart_bars(at)
    assert before == list(zip(table["model"], table["$ / month"], strict=True))
    at.number_input(key="plan_rpd").set_value(3000)
    run(at)
    after = chart_bars(at)
    assert [m for m, _ in after] == [m for m, _ in before]
    assert all(a != b for (_, a), (_, b) in zip(after, before, strict=True))
