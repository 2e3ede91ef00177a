"""The Verify page under AppTest, against FakeOpenAI over real HTTP on 127.0.0.1.

Every test isolates itself from a real `.streamlit/secrets.toml` (AppTest's own secrets replace
the file's), so no real key can ever be picked up and sent anywhere.
"""

from __future__ import annotations

import io
import math
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

import calc.adapters.openai_usage
from calc.adapters import images
from calc.adapters.calibration_store import CalibrationLog, LogRow
from tests.fakes.apptest import shown
from tests.fakes.fake_openai import FakeOpenAI, PatchRule, closed_port_url

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "pages" / "verify.py"
KEY = "sk-proj-VerifyPageSecret0123456789abcdef"
# gpt-5-mini is the model these checks measure (its billing is measured, docs/metering.md §16);
# it runs until 2026-12-11, so the page is tested on a day it runs.
pytestmark = pytest.mark.today("2026-12-03")

CHOICE = {"model": "gpt-5-mini", "detail": "high", "fidelity": "low", "rules": "billing",
          "tier": "standard"}


def png(w: int, h: int, rgb=(40, 90, 140)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), rgb).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def server():
    # Every patch model at ×1.2 (gpt-5-mini's billed multiplier; its guide says ×1.62). Echoing
    # the rejected key in 401 messages (the worst case) proves the page scrubs it.
    with FakeOpenAI(keys=(KEY,), multiplier=1.2, echo_key=True, timeout_sleep=3) as f:
        yield f


@pytest.fixture
def fake(server):
    server.reset()
    return server


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "log" / "calibration.sqlite3"


@pytest.fixture
def env(monkeypatch, fake, db):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
    monkeypatch.setenv("PATCHWORK_CALIBRATION_DB", str(db))
    # A short client timeout so the timeout case takes a second, not a minute.
    real = calc.adapters.openai_usage.make_client

    def quick_client(api_key, base_url=None, timeout=30.0, **kw):
        return real(api_key, base_url, timeout=min(timeout, 1.0), **kw)

    monkeypatch.setattr(calc.adapters.openai_usage, "make_client", quick_client)
    return monkeypatch


def new_app(shared: tuple[int, int] | None = (512, 512), choice: dict | None = CHOICE,
            secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=30)
    at.secrets["_isolated_from_real_secrets"] = "yes"
    for k, v in (secrets or {}).items():
        at.secrets[k] = v
    if shared is not None:
        loaded = images.load(png(*shared))
        at.session_state["shared_image"] = {"image": loaded, "label": "test image", "url": None}
    if choice is not None:
        at.session_state["shared_choice"] = dict(choice)
    return at


def texts(at: AppTest, kind: str) -> list[str]:
    """The elements' text as a reader sees it (Markdown rendered)."""
    return [shown(e.value) for e in getattr(at, kind)]


def everything(at: AppTest) -> str:
    parts = []
    for kind in ("markdown", "caption", "info", "success", "warning", "error", "title",
                 "subheader"):
        parts += texts(at, kind)
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [b.label for b in at.button]
    for df in at.dataframe:
        parts.append(df.value.to_csv())
    return "\n".join(parts)


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert len(found) == 1, [m.label for m in at.metric]
    return found[0]


def log_rows(db: Path) -> list[LogRow]:
    return CalibrationLog(db).rows()


def walk(node):
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from walk(child)


def rendered_bytes(at: AppTest) -> bytes:
    """Every element's protobuf as sent to the browser: labels, values, tables (Arrow), charts."""
    return b"\n".join(n.proto.SerializeToString() for n in walk(at._tree)
                      if getattr(n, "proto", None) is not None)


def click(at: AppTest, key: str) -> AppTest:
    return at.button(key=key).click().run()


# --- without a key ---------------------------------------------------------------------------


def test_without_a_key_the_page_explains_and_calls_nothing(env, fake):
    env.delenv("OPENAI_API_KEY")
    at = new_app().run()
    assert not at.exception
    help_text = "\n".join(texts(at, "info"))
    assert "secrets.toml.example" in help_text and "OPENAI_API_KEY" in help_text
    assert "Count is free" in help_text
    # Run on gpt-5-mini, 308 image tokens: (308 + 30) × $0.25/1M + 16 × $2.00/1M ≈ $0.00012.
    assert "$0.00012" in help_text
    assert at.button(key="verify_go").disabled and at.button(key="verify_calib_go").disabled
    assert at.text_input(key="verify_key_field").value == ""
    assert metric(at, "Estimate · billing (measured) rules") == "308 image tokens"
    assert len(fake.requests) == 0
    assert not at.error


def test_a_typed_key_works_and_leaves_the_field(env, fake, db):
    env.delenv("OPENAI_API_KEY")
    at = new_app().run()
    at.text_input(key="verify_key_field").input(KEY).run()
    assert not at.exception
    assert "Your own key" in everything(at)
    shown = rendered_bytes(at)
    assert b"Your own key" in shown  # the walk sees the page's text…
    assert KEY.encode() not in shown  # …but not the key: the field was emptied once read
    click(at, "verify_go")
    assert metric(at, "Reported by the API") == "308"
    assert len(fake.requests) == 2
    click(at, "verify_forget")
    assert at.button(key="verify_go").disabled


def test_a_key_from_streamlit_secrets_is_used(env, fake):
    env.delenv("OPENAI_API_KEY")
    env.delenv("OPENAI_BASE_URL")
    at = new_app(secrets={"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": fake.base_url}).run()
    assert "The app's key (from OPENAI_API_KEY in Streamlit secrets" in everything(at)
    assert f"127\\.0\\.0\\.1:{fake.port}" not in everything(at)  # the host is shown as text
    assert f"→ 127.0.0.1:{fake.port}, the endpoint the operator configured" in everything(at)
    click(at, "verify_go")
    assert metric(at, "Reported by the API") == "308"
    assert fake.requests[0].headers["authorization"] == f"Bearer {KEY}"


# --- count, run, chat -----------------------------------------------------------------------


def test_count_shows_the_fakes_number_and_logs_a_row(env, fake, db):
    at = new_app().run()
    assert at.button(key="verify_go").label == "Count image tokens (free)"
    assert len(fake.requests) == 0  # opening the page sends nothing
    click(at, "verify_go")
    assert not at.exception and not at.error
    reported = fake.image_tokens_for(512, 512, "gpt-5-mini", "high")
    assert reported == 308  # docs/metering.md §16
    assert metric(at, "Reported by the API") == "308"
    assert metric(at, "Estimate") == "308"
    assert metric(at, "Difference").startswith("+0")
    assert any(s.startswith("Exact") for s in texts(at, "success"))
    [row] = log_rows(db)
    assert (row.method, row.width, row.height, row.estimate, row.reported) == (
        "count", 512, 512, 308, 308)
    assert row.baseline == 5 + fake.framing and row.endpoint_host == f"127.0.0.1:{fake.port}"


def test_pressing_again_shows_the_cached_result_and_measure_again_measures(env, fake, db):
    at = click(new_app().run(), "verify_go")
    assert len(fake.requests) == 2
    at.run()  # a plain rerun
    assert len(fake.requests) == 2
    click(at, "verify_go")  # pressed again: cached
    assert len(fake.requests) == 2
    assert any("cached result" in c for c in texts(at, "caption"))
    assert at.button(key="verify_again").label == "Measure again (free)"
    click(at, "verify_again")
    assert len(fake.requests) == 4
    assert not any("cached result" in c for c in texts(at, "caption"))
    assert len(log_rows(db)) == 2


def test_run_shows_its_cost_first_and_calls_only_on_the_click(env, fake, db):
    env.setenv("PATCHWORK_ALLOW_BILLED", "1")
    at = new_app().run()
    at.segmented_control(key="verify_method").set_value("run").run()
    assert len(fake.requests) == 0
    button = at.button(key="verify_go")
    assert button.label == "Run — pay about $0.00012"  # (308 + 30) × 0.25 + 16 × 2.00, per 1M
    assert any("Billed" in c and "16 output tokens" in c for c in texts(at, "caption"))
    click(at, "verify_go")
    paths = [r.path for r in fake.requests]
    assert paths == ["/v1/responses/input_tokens", "/v1/responses"]  # billed once, baseline free
    assert metric(at, "Reported by the API") == "308"
    shown = everything(at)
    assert "gpt-5-mini-2025-08-07" in shown  # the dated name the API returned
    assert "The model's reply" in shown
    at.run()
    at.run()
    assert len(fake.requests) == 2  # reruns never pay again
    click(at, "verify_go")
    assert len(fake.requests) == 2 and "cached result" in everything(at)
    assert at.button(key="verify_again").label == "Measure again — pay about $0.00012"
    # logged exactly: (322 × $0.25 + 8 × $2.00) / 1M — 8 words of reply, 14 + 308 input tokens
    assert [(r.method, r.cost_usd) for r in log_rows(db)] == [("run", Decimal("0.0000965"))]


def test_chat_completions_path(env, fake, db):
    env.setenv("PATCHWORK_ALLOW_BILLED", "true")
    at = new_app().run()
    at.segmented_control(key="verify_method").set_value("chat").run()
    assert at.button(key="verify_go").label.startswith("Chat Completions — pay about $")
    click(at, "verify_go")
    assert [r.path for r in fake.requests] == ["/v1/chat/completions"] * 2
    assert metric(at, "Reported by the API") == "308"
    assert "gpt-5-mini-2025-08-07" in everything(at)
    assert [r.method for r in log_rows(db)] == ["chat"]


def test_an_off_measurement_suggests_the_multiplier(env, fake):
    fake.set_model("gpt-5-mini", PatchRule(1.5, "gpt-5-mini-2025-08-07"))
    try:
        at = click(new_app().run(), "verify_go")
    finally:
        fake.set_model("gpt-5-mini", PatchRule(1.2, "gpt-5-mini-2025-08-07"))
    assert metric(at, "Reported by the API") == str(math.ceil(256 * 1.5))
    [warning] = [w for w in texts(at, "warning") if w.startswith("Off")]
    assert "×1.50" in warning and "×1.2" in warning


def test_overriding_the_model_measures_that_model(env, fake):
    at = new_app().run()
    at.selectbox(key="verify_model").set_value("gpt-4o").run()
    # gpt-4o 512×512 high: one tile, 85 + 170 = 255 (docs/metering.md §3).
    assert metric(at, "Estimate · billing (measured) rules") == "255 image tokens"
    click(at, "verify_go")
    assert metric(at, "Reported by the API") == "255"
    assert fake.requests[0].body["model"] == "gpt-4o"


def test_an_uploaded_image_is_measured_and_a_bad_file_is_explained(env, fake):
    at = new_app(shared=None).run()
    assert any("upload the image here" in c for c in texts(at, "caption"))
    at.file_uploader(key="verify_upload").set_value(("wide.png", png(1024, 256), "image/png"))
    at.run()
    # gpt-5-mini high: 32 × 8 = 256 patches, ⌈256 × 1.2⌉ = 308.
    assert metric(at, "Estimate · billing (measured) rules") == "308 image tokens"
    click(at, "verify_go")
    assert metric(at, "Reported by the API") == "308"
    at.file_uploader(key="verify_upload").set_value(("notes.png", b"not an image", "image/png"))
    at.run()
    assert not at.exception
    assert any(e.startswith("notes.png:") and "not an image" in e for e in texts(at, "error"))


# --- failures ---------------------------------------------------------------------------------

FAILURES = {
    "auth": "rejected (401)",
    "permission": "not allowed to do this (403)",
    "model_not_found": "does not know this model",
    "invalid_image": "refused the request (400)",
    "rate_limit": "wait 7 s",
    "server_error": "failed on its side (500)",
    "unavailable": "failed on its side (503)",
    "timeout": "was too slow: it went quiet for longer than the timeout",
    "garbage": "not valid JSON",
    "garbage_html": "not valid JSON",  # an HTML page: a proxy's login
    "wrong_shape": "the reply has no input_tokens",
}


def _seed_log(db: Path) -> None:
    CalibrationLog(db).add(LogRow(endpoint_host="earlier.example", model_requested="gpt-4o",
                                  model_returned="gpt-4o", width=1, height=1, detail="high",
                                  fidelity="low", method="count", estimate=255, reported=255,
                                  baseline=14, rules_version="v"))


@pytest.mark.parametrize("mode", list(FAILURES))
def test_each_failure_is_a_clear_message_and_keeps_the_log(env, fake, db, mode):
    _seed_log(db)
    at = new_app().run()
    fake.fail_next(mode)
    click(at, "verify_go")
    assert not at.exception
    errors = texts(at, "error")
    assert len(errors) == 1 and FAILURES[mode] in errors[0], errors
    assert KEY not in errors[0]
    assert [r.endpoint_host for r in log_rows(db)] == ["earlier.example"]
    assert not at.metric or "Reported by the API" not in [m.label for m in at.metric]
    # The page keeps working: the next press measures.
    click(at, "verify_go")
    assert not at.error and metric(at, "Reported by the API") == "308"
    assert len(log_rows(db)) == 2


@pytest.mark.parametrize(("method", "path", "raw"), [
    ("count", "input_tokens", "-308"),
    ("count", "input_tokens", "322.5"),
    ("run", "usage.input_tokens", '"322"'),
    ("run", "usage.output_tokens", "99999999999"),
    ("chat", "usage.prompt_tokens", "true"),
    ("chat", "usage.completion_tokens", "null"),
], ids=["negative", "fraction", "text", "beyond-ten-million", "bool", "null"])
def test_a_count_that_is_not_one_is_shown_as_the_apis_fault_and_never_logged(
        env, fake, db, method, path, raw):
    env.setenv("PATCHWORK_ALLOW_BILLED", "true")  # Run and Chat on the app's key
    _seed_log(db)
    at = new_app().run()
    at.segmented_control(key="verify_method").set_value(method).run()
    fake.tamper_next(path, raw)
    click(at, "verify_go")
    assert not at.exception
    [error] = texts(at, "error")
    assert "not a token count" in error or "null or missing" in error, error
    assert "nothing was measured or logged" in error
    assert "Reported by the API" not in [m.label for m in at.metric]
    assert [r.endpoint_host for r in log_rows(db)] == ["earlier.example"]


def test_a_calibration_run_stops_at_a_bad_count_and_logs_only_true_counts(env, fake, db):
    at = new_app().run()
    fake.tamper_next("input_tokens", "-1", times=1)
    real = fake._body

    def bad_from_the_third_size(obj):  # 2 replies per size: sizes 1 and 2 are true counts
        if len(fake.requests) == 5:
            fake.tamper_next("input_tokens", "-1")
        return real(obj)

    fake.reset()
    fake._body = bad_from_the_third_size
    try:
        click(at, "verify_calib_go")
    finally:
        del fake._body
    assert not at.exception
    assert any("input_tokens = -1, which is not a token count" in e for e in texts(at, "error"))
    table = next(df.value for df in at.dataframe if "documented rules" in df.value.columns)
    assert list(table["size"]) == ["64×64", "320×320"]
    assert [(r.width, r.reported) for r in log_rows(db)] == [
        (64, math.ceil(4 * 1.2)), (320, math.ceil(100 * 1.2))]


def test_a_trickling_endpoint_is_shown_as_too_slow_at_the_deadline(env, fake, db):
    real = calc.adapters.openai_usage.make_client

    def one_second_calls(api_key, base_url=None, timeout=30.0, **kw):
        return real(api_key, base_url, timeout=timeout, deadline=1.0, **kw)

    env.setattr(calc.adapters.openai_usage, "make_client", one_second_calls)
    _seed_log(db)
    at = new_app().run()
    fake.fail_next("trickle")  # a byte every 50 ms: no read ever waits long
    click(at, "verify_go")
    assert not at.exception
    [error] = texts(at, "error")
    assert error.startswith(f"127.0.0.1:{fake.port} was too slow: it had not sent a complete "
                            "answer after 1 s")
    assert "connect" not in error
    assert [r.endpoint_host for r in log_rows(db)] == ["earlier.example"]


def test_a_refused_connection_is_explained(env, db):
    env.setenv("OPENAI_BASE_URL", closed_port_url())
    _seed_log(db)
    at = click(new_app().run(), "verify_go")
    assert not at.exception
    [error] = texts(at, "error")
    assert "could not connect to 127.0.0.1" in error
    assert len(log_rows(db)) == 1


def test_a_failed_measure_again_keeps_the_earlier_result(env, fake):
    at = click(new_app().run(), "verify_go")
    fake.fail_next("server_error")
    click(at, "verify_again")
    assert "failed on its side (500)" in texts(at, "error")[0]
    assert metric(at, "Reported by the API") == "308"  # the earlier result is still there


def test_an_unusable_log_does_not_stop_measuring(env, fake, tmp_path):
    blocked = tmp_path / "a-directory"
    blocked.mkdir()
    env.setenv("PATCHWORK_CALIBRATION_DB", str(blocked))
    at = new_app().run()
    assert any("could not be opened" in e for e in texts(at, "error"))
    click(at, "verify_go")
    assert not at.exception
    assert metric(at, "Reported by the API") == "308"
    assert any("could not be written" in w for w in texts(at, "warning"))


def test_a_bad_base_url_is_explained_and_blocks_calls(env, fake):
    env.delenv("OPENAI_BASE_URL")
    env.delenv("OPENAI_API_KEY")
    at = new_app().run()
    at.text_input(key="verify_key_field").input(KEY).run()
    at.text_input(key="verify_base_field").input("localhost:8080/v1").run()
    assert any("must start with http" in e for e in texts(at, "error"))
    assert at.button(key="verify_go").disabled
    assert len(fake.requests) == 0


# --- the key never shows ------------------------------------------------------------------------


def test_the_key_is_nowhere_on_the_page_in_the_log_or_the_url(env, fake, db):
    env.setenv("PATCHWORK_ALLOW_BILLED", "1")
    env.setenv("PATCHWORK_SESSION_CAP_USD", "1")
    at = new_app().run()
    click(at, "verify_go")
    for method in ("run", "chat"):
        at.segmented_control(key="verify_method").set_value(method).run()
        click(at, "verify_go")
    click(at, "verify_calib_go")
    fake.fail_next("auth")  # the fake echoes the rejected key in full
    at.segmented_control(key="verify_method").set_value("count").run()
    click(at, "verify_again")
    assert "rejected (401)" in texts(at, "error")[0]
    assert not at.exception
    shown = rendered_bytes(at)
    assert b"gpt-5-mini-2025-08-07" in shown and b"Calibration log" in shown  # the walk works
    assert KEY.encode() not in shown
    assert KEY not in everything(at)
    assert KEY not in repr(at.query_params)
    files = list(db.parent.iterdir())  # the database and its WAL and shared-memory files
    stored = b"".join(f.read_bytes() for f in files)
    assert f"127.0.0.1:{fake.port}".encode() in stored  # rows are there, in plain bytes…
    assert KEY.encode() not in stored  # …and the key is not
    assert len(log_rows(db)) >= 3 + 7


# --- calibration and the log -------------------------------------------------------------------


def test_calibration_run_finds_the_multiplier_and_logs_each_point(env, fake, db):
    at = new_app().run()
    assert at.selectbox(key="verify_calib_model").value == "gpt-5-mini"
    click(at, "verify_calib_go")
    assert not at.exception and not at.error
    [verdict] = [s for s in texts(at, "success") if s.startswith("gpt-5-mini:")]
    # docs/metering.md §15: the current guide agrees with billing on gpt-5-mini (×1.2, 1,536)
    assert "×1.2" in verdict and "matches both rule sets" in verdict
    assert metric(at, "Measured") in ("×1.2", "×1.20")
    assert metric(at, "Catalogue, documented rules") == "×1.2, budget 1,536"
    table = next(df.value for df in at.dataframe if "documented rules" in df.value.columns)
    row = table.set_index("size").loc["512×512"]
    assert (row["patches"], row["image tokens"], row["matches"]) == (256, 308,
                                                                    "billing, documented")
    rows = log_rows(db)
    assert len(rows) == len(table) == 8  # 7 sizes and the knife edge 1560×1040 (metering.md §13)
    assert table.set_index("size").loc["1560×1040", "matches"] == "floating point (knife edge)"
    assert {r.method for r in rows} == {"count"}
    assert len(fake.requests) == 16  # with and without the image, per size (8 sizes)
    at.run()
    assert len(fake.requests) == 16  # a rerun does not calibrate again


def test_calibration_stopped_by_a_failure_keeps_its_points(env, fake, db, monkeypatch):
    at = new_app().run()
    answered = []

    def rate_limit_after_three_sizes():  # 2 requests per size; then every request is refused
        answered.append(1)
        return "rate_limit" if len(answered) > 6 else None

    monkeypatch.setattr(fake, "_take_failure", rate_limit_after_three_sizes)
    click(at, "verify_calib_go")
    assert not at.exception
    assert any("wait 7 s" in e for e in texts(at, "error"))
    table = next(df.value for df in at.dataframe if "documented rules" in df.value.columns)
    assert list(table["size"]) == ["64×64", "320×320", "512×512"]
    assert any("stopped after 3 of 8 sizes" in c for c in texts(at, "caption"))
    assert [(r.width, r.reported) for r in log_rows(db)] == [
        (64, math.ceil(4 * 1.2)), (320, math.ceil(100 * 1.2)), (512, math.ceil(256 * 1.2))]


def test_log_table_scatter_csv_and_delete(env, fake, db):
    at = new_app().run()
    assert any("No measurements yet" in i for i in texts(at, "info"))
    click(at, "verify_go")
    at.selectbox(key="verify_model").set_value("gpt-4o").run()
    click(at, "verify_go")
    log = next(df.value for df in at.dataframe if "model returned" in df.value.columns)
    assert list(log["model asked"]) == ["gpt-4o", "gpt-5-mini"]  # newest first
    assert list(log["reported"]) == [255, 308] and list(log["difference"]) == [0, 0]
    assert list(log["cost"]) == ["free", "free"]
    chart = at.get("plotly_chart")
    assert len(chart) == 1
    assert "estimate = reported" in chart[0].proto.spec  # the y = x line
    assert [d.proto.label for d in at.get("download_button")] == ["Download CSV"]
    ids = [r.id for r in log_rows(db)]
    at.multiselect(key="verify_delete_ids").set_value([ids[0]]).run()
    assert at.button(key="verify_delete").label == "Delete 1 row"
    click(at, "verify_delete")
    assert not at.exception
    assert [r.id for r in log_rows(db)] == ids[1:]
    assert "Deleted 1 row." in texts(at, "success")
    assert at.multiselect(key="verify_delete_ids").value == []


# --- through the app: the image Explore chose --------------------------------------------------


def test_verify_takes_the_image_explore_chose(env, fake):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.secrets["_isolated_from_real_secrets"] = "yes"
    at.query_params["model"] = "gpt-4o"  # a model the fake server meters
    at.run()  # Explore: the default sample (a phone photo seen upright as 3024×4032) on gpt-4o
    at.switch_page("pages/verify.py").run()
    assert not at.exception
    assert any("From Explore" in c and "3024×4032" in c for c in texts(at, "caption"))
    # gpt-4o high: fit 2048 → 1536×2048, short side 768 → 768×1024, 2 × 2 tiles: 85 + 4 × 170.
    click(at, "verify_go")
    assert metric(at, "Reported by the API") == "765"
    assert fake.images[0].width == 3024 and fake.images[0].height == 4032
    assert KEY not in repr(at.query_params)


# --- the December 2026 catalogue on Verify ----------------------------------------------------


def test_a_rejected_image_is_not_sent(env, fake):
    # docs/metering.md §5: 7952×5304 on gpt-6-sol at auto → 249 × 166 = 41,334 patches > 30,000
    at = new_app(shared=(7952, 5304), choice=dict(CHOICE, model="gpt-6-sol", detail="auto"))
    at.run()
    assert not at.exception
    assert any("41,334 patches > 30,000" in e for e in texts(at, "error"))
    assert not [b for b in at.button if b.key == "verify_go"]
    assert len(fake.requests) == 0


def test_models_your_key_can_use_are_held_against_the_catalogue(env, fake):
    at = new_app().run()
    click(at, "verify_list_models")
    assert not at.exception
    table = next(df.value for df in at.dataframe if "catalogue model" in df.value.columns)
    rows = table.set_index("id")
    # (catalogue model, API's shutdown date, catalogue's — docs/metering.md §10 — and the check)
    seen = {i: tuple(rows.loc[i, ["catalogue model", "shutdown (API)", "shutdown (catalogue)",
                                 "check"]]) for i in rows.index}
    assert seen["gpt-5-mini"] == ("gpt-5-mini", "2026-12-11", "2026-12-11", "")
    assert seen["gpt-5-mini-2025-08-07"] == ("gpt-5-mini", "2026-12-11", "2026-12-11", "")
    assert seen["gpt-4o"] == ("gpt-4o", "2027-01-15", "2027-01-14",
                              "the API says 2027-01-15, the catalogue 2027-01-14")
    assert seen["gpt-6.1-sol-2026-09-29"] == ("gpt-6.1-sol", "none announced", "none", "")
    assert seen["gpt-7-preview"] == ("— (unknown)", "2027-06-30", "—",
                                     "the catalogue does not know this id: a model to add")
    assert [r.path for r in fake.requests] == ["/v1/models"]  # one free GET, nothing else
    new = [w for w in texts(at, "warning") if "does not know yet" in w]
    assert new and "gpt-7-preview" in new[0]  # an id the catalogue does not know: to add
    [dates] = [w for w in texts(at, "warning") if w.startswith("Shutdown dates to check")]
    assert "gpt-4o (the API says 2027-01-15, the catalogue 2027-01-14)" in dates
    assert "gpt-5-mini " not in dates and "gpt-5-mini (" not in dates


@pytest.mark.today("2026-12-03")
def test_the_models_table_says_each_models_status_today(env, fake):
    at = click(new_app().run(), "verify_list_models")
    table = next(df.value for df in at.dataframe if "catalogue model" in df.value.columns)
    status = dict(zip(table["id"], table["status"], strict=True))
    # docs/metering.md §10: gpt-5-mini shuts down 2026-12-11, o4-mini shut down 2026-10-23
    assert (status["gpt-5-mini"], status["o4-mini"], status["gpt-6.1-sol-2026-09-29"]) == \
        ("deprecated", "shut down", "active")


def test_the_model_picker_offers_current_models_with_badges(env, fake):
    at = new_app().run()
    options = at.selectbox(key="verify_model").options
    for option in options:
        m = calc.resolve_model(option.split(" · ")[0])
        assert m.status() != "shut down" or m.name == "gpt-5-mini"  # the shared choice stays
        assert (f"shuts down {m.shutdown}" in option) == (m.status() == "deprecated")
    assert not any(o.startswith("o4-mini") for o in options)  # shut down 2026-10-23
