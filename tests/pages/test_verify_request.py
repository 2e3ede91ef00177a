"""Verify sends the request Paste a request handed over: under AppTest, through the real openai
client, against FakeOpenAI over real HTTP on 127.0.0.1.

Known answers: gpt-5-mini bills ×1.2 (docs/metering.md §16): 512×512 high → 256 patches → 308
image tokens, 64×64 high → 4 patches → 5. "compare these two images" is 4 o200k_base tokens
(and 4 words, which is how the fake counts text). The fake adds 9 tokens of framing a message,
so it reports 9 + 4 + 308 + 5 = 326 input tokens where the estimate is 308 + 5 + 4 = 317.
gpt-5-mini costs $0.25 per 1M input tokens and $2.00 per 1M output (docs/metering.md §9).
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

import calc.adapters.openai_usage
from tests.fakes.apptest import shown
from tests.fakes.fake_openai import FakeOpenAI

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "pages" / "verify.py")
KEY = "sk-proj-VerifyRequestSecret0123456789abcdef"
# gpt-5-mini runs until 2026-12-11 (docs/metering.md §10): tested on a day it runs.
pytestmark = pytest.mark.today("2026-12-03")


def png_url(w: int, h: int, fmt: str = "PNG") -> str:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (40, 90, 140)).save(buf, fmt)
    return f"data:image/{fmt.lower()};base64," + base64.b64encode(buf.getvalue()).decode()


def responses_body(*images: dict, model: str = "gpt-5-mini", **extra) -> str:
    content = [{"type": "input_text", "text": "compare these two images"}, *images]
    return json.dumps({"model": model, "input": [{"role": "user", "content": content}],
                       **extra})


def image(url: str, detail: str = "high") -> dict:
    return {"type": "input_image", "image_url": url, "detail": detail}


TWO_IMAGES = responses_body(image(png_url(512, 512)), image(png_url(64, 64)),
                            tools=[{"type": "web_search"}], max_output_tokens=4000,
                            stream=True)


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI(keys=(KEY,), multiplier=1.2, echo_key=True) as f:
        yield f


@pytest.fixture
def fake(server, monkeypatch, tmp_path):
    server.reset()
    for name in ("PATCHWORK_ALLOW_BILLED", "PATCHWORK_SESSION_CAP_USD",
                 "PATCHWORK_ALLOW_PRIVATE_ENDPOINTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("PATCHWORK_ALLOW_BILLED", "1")
    monkeypatch.setenv("PATCHWORK_SESSION_CAP_USD", "0.01")
    monkeypatch.setenv("PATCHWORK_CALIBRATION_DB", str(tmp_path / "calibration.sqlite3"))
    real = calc.adapters.openai_usage.make_client

    def quick_client(api_key, base_url=None, timeout=30.0, **kw):  # a dead endpoint fails fast
        return real(api_key, base_url, timeout=min(timeout, 2.0), **kw)

    monkeypatch.setattr(calc.adapters.openai_usage, "make_client", quick_client)
    return server


def new_app(body: str | None, fetch: bool = False) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.secrets["_isolated_from_real_secrets"] = "yes"
    if body is not None:
        at.session_state["shared_request"] = {"body": body, "fetch": fetch}
    return at.run()


def texts(at: AppTest, *kinds: str) -> list[str]:
    return [shown(e.value) for kind in kinds for e in getattr(at, kind)]


def metric(at: AppTest, label: str) -> str:
    [found] = [m.value for m in at.metric if m.label == label]
    return found


def rows(at: AppTest) -> dict[str, str]:
    table = next(df.value for df in at.dataframe if "what" in df.value.columns
                 and "Messages" in set(df.value["what"]))
    return dict(zip(table["what"], table["value"], strict=True))


def send(at: AppTest) -> AppTest:
    return at.button(key="verify_send").click().run()


def test_two_images_and_text_reported_beside_the_whole_estimate(fake):
    at = new_app(TWO_IMAGES)
    assert not at.exception
    assert fake.requests == []  # opening the page sends nothing
    captions = texts(at, "caption")
    assert any("Responses request on gpt-5-mini: 2 images, 1 message — estimate 317 input "
               "tokens (313 image + 4 text)" in c for c in captions), captions
    # (317 + 15 framing allowance) × $0.25/1M + 16 × $2.00/1M = $0.000083 + $0.000032
    assert at.button(key="verify_send").label == "Send the request — pay about $0.00012"
    assert any("Left out: tools, max_output_tokens, stream" in c for c in captions)
    send(at)
    assert not at.exception and not at.error
    [sent] = fake.requests
    assert sent.path == "/v1/responses"
    assert set(sent.body) == {"model", "input", "max_output_tokens", "store"}
    assert (sent.body["max_output_tokens"], sent.body["store"]) == (16, False)
    assert metric(at, "Estimate (image + text)") == "317"
    assert metric(at, "Reported input tokens") == "326"
    assert metric(at, "Reported − estimate") == "+9"
    said = rows(at)
    assert said["Estimate"] == "317 input tokens = 313 image + 4 text (o200k_base) on gpt-5-mini"
    assert said["Reported by the API"] == "326 input tokens (usage.input_tokens)"
    assert said["Difference"] == "+9 tokens (+2.8 %)"
    assert said["Messages"] == ("1: framing adds about 7 tokens each, not in the estimate "
                                "(docs/metering.md §14)")
    # The fake's reply is 8 words: 326 × $0.25/1M + 8 × $2.00/1M = $0.0000975.
    assert said["Output tokens"] == "8 (at most 16 asked)"
    assert said["Cost of this request"] == "$0.000098"
    [verdict] = [t for t in texts(at, "success") if t.startswith("The API reported")]
    assert "326 input tokens (usage.input_tokens)" in verdict and "framing of 1 message" in verdict
    assert "about 7 on Responses and 8 on Chat Completions for one short user message" in verdict
    at.run()
    assert len(fake.requests) == 1  # a rerun never sends again


def test_a_chat_completions_body_is_read_from_prompt_tokens(fake):
    body = json.dumps({"model": "gpt-5-mini", "max_tokens": 900, "n": 4, "messages": [
        {"role": "system", "content": "Describe both"},
        {"role": "user", "content": [
            {"type": "text", "text": "compare these two images"},
            {"type": "image_url", "image_url": {"url": png_url(512, 512), "detail": "high"}}]}]})
    at = send(new_app(body))
    assert not at.exception and not at.error
    [sent] = fake.requests
    assert sent.path == "/v1/chat/completions"
    assert set(sent.body) == {"model", "messages", "max_completion_tokens"}
    assert sent.body["max_completion_tokens"] == 16
    # estimate 308 + 2 + 4 = 314; the fake: 2 × 9 framing + 2 + 4 words + 308 = 332
    assert metric(at, "Estimate (image + text)") == "314"
    assert metric(at, "Reported input tokens") == "332"
    assert rows(at)["Reported by the API"] == "332 input tokens (usage.prompt_tokens)"


@pytest.mark.parametrize(("body", "why"), [
    (responses_body(image(png_url(64, 64, "BMP"))), "1 image rejected (image 1)"),
    (responses_body(model="o4-mini"), "o4-mini was shut down on 2026-10-23"),
], ids=["refused-format", "shut-down-model"])
def test_a_body_the_api_would_refuse_is_not_sent(fake, body, why):
    at = new_app(body)
    assert at.button(key="verify_send").disabled
    [blocked] = [c for c in texts(at, "caption") if c.startswith("🚫 Disabled")]
    assert "the API would refuse this request" in blocked and why in blocked
    at.run()
    assert fake.requests == []


def test_a_body_that_is_no_request_is_explained(fake):
    at = new_app('{"model": "gpt-5-mini"}')
    assert any("not a request that can be sent" in e and "neither `input`" in e
               for e in texts(at, "error"))
    assert not [b for b in at.button if b.key == "verify_send"]
    assert fake.requests == []


def test_over_the_session_cap_nothing_is_sent(fake, monkeypatch):
    monkeypatch.setenv("PATCHWORK_SESSION_CAP_USD", "0.0001")  # the bound is $0.000115
    at = new_app(TWO_IMAGES)
    assert at.button(key="verify_send").disabled
    assert any("spending cap" in c for c in texts(at, "caption"))
    assert fake.requests == []


def test_billed_checks_off_on_the_operators_key_send_nothing(fake, monkeypatch):
    monkeypatch.delenv("PATCHWORK_ALLOW_BILLED")
    at = new_app(TWO_IMAGES)
    assert at.button(key="verify_send").disabled
    assert any("PATCHWORK_ALLOW_BILLED" in c for c in texts(at, "caption"))
    assert fake.requests == []


def test_a_dead_key_is_a_message_and_nothing_is_lost(fake):
    at = new_app(TWO_IMAGES)
    fake.fail_next("auth")  # the fake echoes the rejected key in full
    send(at)
    assert not at.exception
    [error] = texts(at, "error")
    assert "rejected (401)" in error and KEY not in error
    assert at.session_state["shared_request"]["body"] == TWO_IMAGES  # the body is still there
    send(at)  # and the next press sends it
    assert not at.error and metric(at, "Reported input tokens") == "326"


@pytest.mark.parametrize(("mode", "said"), [("rate_limit", "wait 7 s"),
                                            ("timeout", "was too slow")])
def test_a_rate_limit_or_a_slow_endpoint_is_a_message(fake, mode, said):
    at = new_app(TWO_IMAGES)
    fake.fail_next(mode)
    send(at)
    assert not at.exception
    [error] = texts(at, "error")
    assert said in error


def test_images_of_unknown_size_wait_for_the_visitors_word(fake, monkeypatch):
    body = responses_body(image(png_url(512, 512)), {"type": "input_image",
                                                       "file_id": "file-abc123"})
    at = new_app(body)  # the app's key, with a cap: an unknown image cannot be kept under it
    assert at.button(key="verify_send").disabled
    at.checkbox(key="verify_send_unknown").check().run()
    assert at.button(key="verify_send").disabled
    assert any("cannot be priced" in c for c in texts(at, "caption"))
    # The visitor's own key: no cap, so their word is enough.
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.setenv("PATCHWORK_ALLOW_PRIVATE_ENDPOINTS", "1")
    at = new_app(body)
    at.text_input(key="verify_key_field").input(KEY).run()
    at.text_input(key="verify_base_field").input(fake.base_url).run()
    assert at.button(key="verify_send").disabled
    assert any("at least about" in c for c in texts(at, "caption"))
    at.checkbox(key="verify_send_unknown").check().run()
    send(at)
    assert [r.path for r in fake.requests] == ["/v1/responses"]
    [error] = texts(at, "error")  # the fake has no such file: the API's answer, said plainly
    assert "(404)" in error


def test_the_request_page_hands_its_body_to_verify(fake):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["_isolated_from_real_secrets"] = "yes"
    at.run()
    at.switch_page("pages/request.py").run()
    at.text_area(key="request_body").input(TWO_IMAGES).run()
    assert not at.exception
    at.switch_page("pages/verify.py").run()
    assert not at.exception
    assert any("estimate 317 input tokens" in c for c in texts(at, "caption"))
    send(at)
    assert metric(at, "Reported input tokens") == "326"
