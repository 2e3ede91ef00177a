"""Verify hosted for a team: whose key goes where, what may be billed, whose rows are whose.

Two FakeOpenAI servers: the operator's (configured in the environment) and a second one a
visitor tries to point the page at. Both speak the real API over real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import io
import json
import socket
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from calc.adapters import images
from calc.adapters.calibration_store import CalibrationLog
from calc.adapters.openai_usage import Measurement
from calc.views.calibration import STOPPED, CalibrationJob, calibration_sizes
from tests.fakes.apptest import shown
from tests.fakes.fake_openai import FakeOpenAI

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "verify.py")
OPERATOR_KEY = "sk-proj-OperatorSecret0123456789abcdefXYZ"
VISITOR_KEY = "sk-proj-VisitorOwnKey9876543210zyxwvuTSR"
# gpt-5-mini is the model these checks measure (its billing is measured, docs/metering.md §16);
# it runs until 2026-12-11, so the page is tested on a day it runs.
pytestmark = pytest.mark.today("2026-12-03")

CHOICE = {"model": "gpt-5-mini", "detail": "high", "fidelity": "low", "rules": "billing",
          "tier": "standard"}
SWITCHES = ("PATCHWORK_ALLOW_BILLED", "PATCHWORK_SESSION_CAP_USD",
            "PATCHWORK_ALLOW_PRIVATE_ENDPOINTS", "PATCHWORK_SHARED_LOG", "OPENAI_ORG_ID",
            "OPENAI_PROJECT_ID", "OPENAI_CUSTOM_HEADERS")


def png(w: int, h: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (40, 90, 140)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def servers():
    with FakeOpenAI(keys=(OPERATOR_KEY,), multiplier=1.2) as operator, \
            FakeOpenAI(keys=(VISITOR_KEY,), multiplier=1.2) as other:
        yield operator, other


@pytest.fixture
def operator(servers, monkeypatch, tmp_path):
    op, other = servers
    op.reset()
    other.reset()
    for name in SWITCHES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", OPERATOR_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", op.base_url)
    monkeypatch.setenv("PATCHWORK_CALIBRATION_DB", str(tmp_path / "calibration.sqlite3"))
    return op


@pytest.fixture
def other(servers):
    return servers[1]


def new_app(shared=(512, 512)) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.secrets["_isolated_from_real_secrets"] = "yes"
    if shared is not None:
        at.session_state["shared_image"] = {"image": images.load(png(*shared)),
                                            "label": "test image", "url": None}
    at.session_state["shared_choice"] = dict(CHOICE)
    return at.run()


def seen(fake: FakeOpenAI) -> bytes:
    """Everything a server received: headers and bodies."""
    return b"\n".join(json.dumps(r.headers).encode() + r.raw_body for r in fake.requests)


def texts(at: AppTest, *kinds: str) -> str:
    return "\n".join(e.value for kind in kinds for e in getattr(at, kind))


def usable_buttons(at: AppTest) -> list[str]:
    return [b.key for b in at.button if b.key and not b.disabled]


# --- the operator's key -------------------------------------------------------------------------


def test_the_operators_key_never_reaches_a_server_a_visitor_names(operator, other, monkeypatch):
    monkeypatch.setenv("PATCHWORK_ALLOW_BILLED", "1")  # every button usable: the worst case
    monkeypatch.setenv("PATCHWORK_SESSION_CAP_USD", "1")
    monkeypatch.setenv("PATCHWORK_ALLOW_PRIVATE_ENDPOINTS", "1")  # 127.0.0.1 would be allowed
    at = new_app()
    assert "verify_base_field" not in [t.key for t in at.text_input]  # no endpoint field at all
    pressed = set()
    for key in usable_buttons(at):  # first as the operator meant: the app's key, its endpoint
        at.button(key=key).click().run()
    for method in ("count", "run", "chat", "count"):
        at.segmented_control(key="verify_method").set_value(method).run()
        for field in [t.key for t in at.text_input]:  # every field a visitor can reach
            at.text_input(key=field).input(other.base_url).run()
            assert not at.exception
        for key in usable_buttons(at):
            if key == "verify_forget":
                continue  # pressed last: it ends the typed-key session
            at.button(key=key).click().run()
            pressed.add(key)
            assert not at.exception
    assert {"verify_go", "verify_calib_go"} <= pressed
    # A typed "key" (the URL) may go to the typed endpoint; the operator's key never does.
    assert OPERATOR_KEY.encode() not in seen(other)
    # The test can fail: the operator's server did get calls, with the operator's key.
    assert any(r.headers.get("authorization") == f"Bearer {OPERATOR_KEY}"
               for r in operator.requests)
    # After forgetting a typed key the page is back on the operator's endpoint, not the typed one.
    if "verify_forget" in usable_buttons(at):
        at.button(key="verify_forget").click().run()
    for key in usable_buttons(at):
        at.button(key=key).click().run()
    assert OPERATOR_KEY.encode() not in seen(other)


def test_a_typed_key_works_against_a_typed_endpoint(operator, other, monkeypatch):
    monkeypatch.setenv("PATCHWORK_ALLOW_PRIVATE_ENDPOINTS", "true")
    at = new_app()
    at.text_input(key="verify_key_field").input(VISITOR_KEY).run()
    at.text_input(key="verify_base_field").input(other.base_url).run()
    assert "Your own key" in texts(at, "markdown")
    at.button(key="verify_go").click().run()
    assert not at.exception and not at.error
    assert [m.value for m in at.metric if m.label == "Reported by the API"] == ["308"]
    assert [r.headers["authorization"] for r in other.requests] == [f"Bearer {VISITOR_KEY}"] * 2
    assert operator.requests == []


def test_a_typed_endpoint_on_a_private_address_is_refused_by_default(operator, other):
    at = new_app()
    at.text_input(key="verify_key_field").input(VISITOR_KEY).run()
    at.text_input(key="verify_base_field").input(other.base_url).run()
    assert "loopback" in texts(at, "error")
    assert at.button(key="verify_go").disabled and at.button(key="verify_calib_go").disabled
    # A host name is resolved and checked when connecting: localhost is refused there.
    at.text_input(key="verify_base_field").input(
        other.base_url.replace("127.0.0.1", "localhost")).run()
    at.button(key="verify_go").click().run()
    assert not at.exception
    assert "loopback" in texts(at, "error") and "could not connect" in texts(at, "error")
    assert other.requests == [] and operator.requests == []


# --- a visitor's key over plain http -------------------------------------------------------------


@pytest.fixture
def public_name(other, monkeypatch):
    """http://public.example:<port>/v1: a host name (so it may be public, and needs the click)
    that this test's resolver points at the visitor's fake server on 127.0.0.1."""
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        return real("127.0.0.1" if host == "public.example" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    monkeypatch.setenv("PATCHWORK_ALLOW_PRIVATE_ENDPOINTS", "true")  # so 127.0.0.1 is allowed
    return other.base_url.replace("127.0.0.1", "public.example")


def test_a_key_for_plain_http_waits_for_the_visitors_click(operator, other, public_name):
    at = new_app()
    at.text_input(key="verify_key_field").input(VISITOR_KEY).run()
    at.text_input(key="verify_base_field").input(public_name).run()
    [warning] = [w.value for w in at.warning if "unencrypted" in w.value]
    assert shown(warning).startswith(f"public.example:{other.port}: this endpoint is plain "
                                     "http://, so your API key would travel unencrypted")
    # Nothing can be sent: measuring, listing models, calibrating all wait for the click.
    assert {"verify_go", "verify_list_models", "verify_calib_go"}.isdisjoint(usable_buttons(at))
    assert any("unencrypted" in c for c in texts(at, "caption").split("\n"))
    assert other.requests == [] and operator.requests == []
    at.button(key="verify_http_ok").click().run()
    assert not [w for w in at.warning if "unencrypted" in w.value]
    assert any("You confirmed that your key goes to" in shown(c.value) for c in at.caption)
    at.button(key="verify_go").click().run()
    assert not at.exception and not at.error
    assert [m.value for m in at.metric if m.label == "Reported by the API"] == ["308"]
    assert [r.headers["authorization"] for r in other.requests] == [f"Bearer {VISITOR_KEY}"] * 2
    assert operator.requests == []
    # Another plain-http endpoint asks again.
    at.text_input(key="verify_base_field").input(public_name.replace("/v1", "/v2")).run()
    assert at.button(key="verify_http_ok") and at.button(key="verify_go").disabled


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_loopback_endpoint_the_operator_allows_needs_no_click(operator, other, monkeypatch,
                                                                host):
    monkeypatch.setenv("PATCHWORK_ALLOW_PRIVATE_ENDPOINTS", "true")
    at = new_app()
    at.text_input(key="verify_key_field").input(VISITOR_KEY).run()
    at.text_input(key="verify_base_field").input(other.base_url.replace("127.0.0.1", host)).run()
    assert "verify_http_ok" not in [b.key for b in at.button]
    assert not any("unencrypted" in w.value for w in at.warning)
    at.button(key="verify_go").click().run()
    assert not at.exception and not at.error
    assert [m.value for m in at.metric if m.label == "Reported by the API"] == ["308"]


def test_a_visitors_endpoint_gets_only_the_visitors_key_and_no_operator_headers(
        operator, other, monkeypatch):
    monkeypatch.setenv("PATCHWORK_ALLOW_PRIVATE_ENDPOINTS", "1")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-operator-secret")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-operator-secret")
    monkeypatch.setenv("OPENAI_CUSTOM_HEADERS", f"X-Operator: secret\nAuthorization: Bearer "
                                                f"{OPERATOR_KEY}")
    at = new_app()
    at.text_input(key="verify_key_field").input(VISITOR_KEY).run()
    at.text_input(key="verify_base_field").input(other.base_url).run()
    at.button(key="verify_go").click().run()
    assert len(other.requests) == 2
    received = seen(other)
    for secret in (b"operator-secret", b"X-Operator", OPERATOR_KEY.encode()):
        assert secret.lower() not in received.lower()
    assert all(r.headers["authorization"] == f"Bearer {VISITOR_KEY}" for r in other.requests)


# --- billed calls -------------------------------------------------------------------------------


def test_billed_checks_on_the_operators_key_are_off_by_default(operator):
    at = new_app()
    assert "billed checks off" in texts(at, "markdown")
    at.segmented_control(key="verify_method").set_value("run").run()
    assert at.button(key="verify_go").disabled
    assert "PATCHWORK_ALLOW_BILLED" in texts(at, "caption")
    at.segmented_control(key="verify_method").set_value("count").run()
    assert not at.button(key="verify_go").disabled  # free counts stay on
    assert not at.button(key="verify_calib_go").disabled
    assert operator.requests == []


def test_billed_checks_stop_at_the_session_cap(operator, monkeypatch):
    monkeypatch.setenv("PATCHWORK_ALLOW_BILLED", "1")
    # One Run on gpt-5-mini costs at most about $0.00012 (see test_verify_page); two do not fit.
    monkeypatch.setenv("PATCHWORK_SESSION_CAP_USD", "0.0002")
    at = new_app()
    at.segmented_control(key="verify_method").set_value("run").run()
    assert not at.button(key="verify_go").disabled
    at.button(key="verify_go").click().run()
    assert [r.path for r in operator.requests] == ["/v1/responses/input_tokens", "/v1/responses"]
    assert at.button(key="verify_again").disabled
    assert "spending cap" in texts(at, "caption")
    # A new browser session has its own cap.
    fresh = new_app()
    fresh.segmented_control(key="verify_method").set_value("run").run()
    assert not fresh.button(key="verify_go").disabled


def test_a_visitors_own_key_is_not_held_to_the_operators_switch(operator, other, monkeypatch):
    monkeypatch.setenv("PATCHWORK_ALLOW_PRIVATE_ENDPOINTS", "1")
    at = new_app()
    at.text_input(key="verify_key_field").input(VISITOR_KEY).run()
    at.text_input(key="verify_base_field").input(other.base_url).run()
    at.segmented_control(key="verify_method").set_value("run").run()
    assert not at.button(key="verify_go").disabled
    at.button(key="verify_go").click().run()
    assert [r.path for r in other.requests][-1] == "/v1/responses"


# --- visitors apart ------------------------------------------------------------------------------


def _log_table(at: AppTest):
    tables = [d.value for d in at.dataframe if "reported" in d.value.columns]
    return tables[0] if tables else None


def test_each_session_sees_exports_and_deletes_only_its_own_rows(operator, tmp_path):
    alice, bob = new_app(), new_app()
    alice.button(key="verify_go").click().run()
    assert len(_log_table(alice)) == 1
    bob.run()
    assert _log_table(bob) is None  # Bob's log is empty: Alice's row is hers
    bob.button(key="verify_go").click().run()
    assert len(_log_table(bob)) == 1
    log = CalibrationLog(tmp_path / "calibration.sqlite3")
    rows = log.rows()
    assert len(rows) == 2
    sessions = {alice.session_state["patchwork_session"], bob.session_state["patchwork_session"]}
    assert len(sessions) == 2 and OPERATOR_KEY not in "".join(sessions)
    alice_id = _log_table(alice)["id"].tolist()[0]
    bob_id = _log_table(bob)["id"].tolist()[0]
    # Bob's session deletes by id only among his own rows.
    assert log.delete([alice_id], session=bob.session_state["patchwork_session"]) == 0
    bob.multiselect(key="verify_delete_ids").set_value([bob_id]).run()
    bob.button(key="verify_delete").click().run()
    assert [r.id for r in log.rows()] == [alice_id]
    alice.run()
    assert _log_table(alice)["id"].tolist() == [alice_id]
    # The export is the session's own too.
    csv_text = log.to_csv(alice.session_state["patchwork_session"])
    assert csv_text.count("\n") == 2 and log.to_csv(bob.session_state["patchwork_session"]) \
        .count("\n") == 1


def test_a_shared_log_shows_everyones_rows(operator, monkeypatch):
    monkeypatch.setenv("PATCHWORK_SHARED_LOG", "yes")
    alice, bob = new_app(), new_app()
    alice.button(key="verify_go").click().run()
    bob.run()
    assert len(_log_table(bob)) == 1
    assert "every session" in texts(bob, "caption")


def test_no_server_path_is_shown(operator, tmp_path, monkeypatch):
    blocked = tmp_path / "a-directory-not-a-file"
    blocked.mkdir()
    monkeypatch.setenv("PATCHWORK_CALIBRATION_DB", str(blocked))
    at = new_app()
    at.button(key="verify_go").click().run()
    shown = texts(at, "markdown", "caption", "error", "warning", "info", "success")
    assert "could not be opened" in shown
    assert str(tmp_path) not in shown and "sqlite3" not in shown.replace("SQLite", "")


# --- a calibration run can be stopped ---------------------------------------------------------


def _measurement(tokens: int) -> Measurement:
    return Measurement(method="count", model_requested="gpt-5-mini", model_returned="gpt-5-mini",
                       detail="high", with_image=tokens + 9, baseline=9, cost_usd=Decimal(0))


def test_a_job_stopped_part_way_keeps_and_fits_what_it_measured():
    sizes = calibration_sizes("gpt-5-mini")
    job = CalibrationJob("gpt-5-mini", sizes)
    calls = []

    def measure(w, h):
        calls.append((w, h))
        return _measurement(5 if (w, h) == (64, 64) else 120)

    job.step(measure)
    job.step(measure)
    job.stop()
    job.step(measure)  # a stopped job measures nothing more
    assert calls == list(sizes[:2]) and job.finished
    result = job.result()
    assert len(result.points) == 2 and result.error == STOPPED
    assert any("stopped after 2 of" in n for n in result.notes)


def test_the_page_honours_a_stop_between_sizes(operator):
    at = new_app()
    job = CalibrationJob("gpt-5-mini", calibration_sizes("gpt-5-mini"))
    job.done.append(_measurement(5))  # one size measured, then Stop pressed (its on_click)
    job.stop()
    at.session_state["verify_calib_job"] = job
    at.run()
    assert not at.exception
    assert operator.requests == []  # nothing measured after the stop
    assert "stopped on request" in texts(at, "error")
    assert at.session_state["verify_calib_job"] is None
    assert not at.button(key="verify_calib_go").disabled  # a new run can start
    assert at.button(key="verify_calib_stop").disabled


def test_a_run_measures_one_size_per_rerun(operator):
    at = new_app()
    at.button(key="verify_calib_go").click().run()
    sizes = calibration_sizes("gpt-5-mini")
    assert len(operator.requests) == 2 * len(sizes)  # each size: with and without the image
    assert at.session_state["verify_calib_job"] is None
    assert "matches both rule sets" in texts(at, "success", "warning")
