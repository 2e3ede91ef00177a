"""The "Paste a request" page under AppTest: a pasted body, the example, the tier,
remote images fetched under the public policy, and bodies that are not requests.

Known answers: metering.md §5 (7952×5304 on gpt-6-sol at auto: rejected, 41,334 patches, largest
accepted 6764×4512); the bundled phone photo (3024×4032, auto = original on gpt-6-sol: 95×126 =
11,970 patches → 14,364 tokens) and icon (64×64 at low: 2×2 patches → 5 tokens); the cookbook's
"tiktoken is great!" = 6 tokens; gpt-6-sol's $2.00 per 1M input tokens (metering.md §9).
"""

from __future__ import annotations

import base64
import io
import json

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.fakes.apptest import page, run
from tests.fakes.html_tables import tables, text

PAGE = page("request.py")


def png_url(w: int, h: int) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), "white").save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def open_page() -> AppTest:
    return run(AppTest.from_file(PAGE, default_timeout=60))


def paste(at: AppTest, body: dict | str) -> AppTest:
    at.text_area(key="request_body").input(body if isinstance(body, str) else json.dumps(body))
    return run(at)


def plain(markdown: str) -> str:
    """A message as it reads on screen: the escapes that keep it inert removed."""
    return markdown.replace("\\", "")


def html_texts(at: AppTest) -> list[str]:
    return [text(el.proto.body) for el in at.get("html")]


def models_table(at: AppTest) -> list[list[str]]:
    (found,) = [t for el in at.get("html") for t in tables(el.proto.body)
                if t[0][0] == "Model"]
    return found


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label))


def test_an_empty_page_asks_for_a_request():
    at = open_page()
    assert [i.value for i in at.info] == ["Paste a request body — or load the example — to see "
                                          "it as the model will."]
    assert [t.value for t in at.title] == ["Paste a request"]


@pytest.mark.today("2026-12-03")
def test_the_example_shows_each_image_and_a_verdict():
    at = open_page()
    at.button[0].click()  # Load an example
    run(at)
    (warning,) = at.warning
    assert plain(warning.value).startswith("Accepted if the 2 images of unknown size are "
                                           "within the limits: 14,389 input tokens (14,369 "
                                           "image + 20 text)")
    assert [metric(at, m) for m in ("Images", "Rejected", "Unknown size")] == ["4", "0", "2"]
    assert metric(at, "Image tokens") == "14,369"  # 14,364 + 5
    shown = html_texts(at)
    assert "3024×4032 JPEG · detail auto → original · 95×126 patches" in shown
    assert "64×64 PNG · detail low · 2×2 patches" in shown
    assert sum(t.startswith("size unknown:") for t in shown) == 2
    pictures = [el for el in at.get("html") if 'class="pw-overlay"' in el.proto.body]
    assert len(pictures) == 2
    assert all("data:image/webp;base64," in p.proto.body for p in pictures)  # thumbnails
    assert any("about 7 tokens on Responses and 8 on Chat Completions" in t for t in shown)


@pytest.mark.today("2026-12-03")
def test_a_rejection_refuses_the_request_and_every_model_is_priced():
    at = paste(open_page(), {"model": "gpt-6-sol", "input": [{"role": "user", "content": [
        {"type": "input_text", "text": "tiktoken is great!"},
        {"type": "input_image", "image_url": png_url(7952, 5304)},
    ]}]})
    (error,) = at.error
    assert plain(error.value).startswith("The API would refuse this request (HTTP 400) and "
                                         "bill nothing: 1 image rejected (image 1)")
    shown = html_texts(at)
    assert "rejected by the API: 41,334 patches > 30,000" in shown
    assert ("resize it to 6764×4512 (the largest size of this shape the API accepts)"
            in shown)
    assert metric(at, "Text tokens") == "6"
    rows = {r[0].split(" · ")[0]: r for r in models_table(at)[1:]}
    assert rows["gpt-6-sol"][5].startswith("refused: 1 image rejected")
    # gpt-5.4: auto = high, the 2,500 budget: 1919×1280 → 2,400 patches → 2,880 tokens
    assert rows["gpt-5.4"][1:6] == ["2,880", "6", "2,886", "$0.0072", "accepted"]
    assert "gpt-image-2" not in rows and "gpt-4.1-nano" not in rows  # chat models, current


@pytest.mark.today("2026-12-03")
def test_the_tier_prices_the_request():
    at = paste(open_page(), {"model": "gpt-6-sol", "input": "tiktoken is great!"})
    assert metric(at, "$ input (Standard)") == "$0.000012"  # 6 × $2.00 / 1M
    at.selectbox(key="request_tier").set_value("batch")
    run(at)
    assert metric(at, "$ input (Batch)") == "$0.0000060"


@pytest.mark.today("2026-12-03")
def test_a_chat_request_of_text_only_is_accepted():
    at = paste(open_page(), {"model": "gpt-6-sol", "messages": [
        {"role": "user", "content": "tiktoken is great!"}]})
    (success,) = at.success
    assert plain(success.value) == ("The API would accept this request on gpt-6-sol: 6 input "
                                    "tokens (0 image + 6 text), $0.000012 input at Standard on "
                                    "2026-12-03.")


@pytest.mark.parametrize("body, message", [
    ("{oops", "the request is not JSON"),
    ("[1]", "the request must be a JSON object"),
    (json.dumps({"model": "gpt-6-sol", "input": [{"role": "user", "content": [
        {"type": "input_image", "detail": "low"}]}]}), "is an image part without a URL"),
    (json.dumps({"model": "gpt-6-sol", "input": [{"role": "user", "content": [
        {"type": "input_image", "image_url": "data:image/png;base64,aGVsbG8="}]}]}),
     "the data URL holds no image the API takes"),
])
def test_a_body_that_is_not_a_request_is_one_clear_line(body, message):
    at = paste(open_page(), body)
    (error,) = at.error
    assert plain(error.value).startswith("This is not a request that can be estimated: ")
    assert message in plain(error.value)


def test_text_from_the_body_is_shown_inert():
    url = "https://example.com/<img src=x onerror=alert(1)>.png"
    at = paste(open_page(), {"model": "gpt-6-sol", "input": [{"role": "user", "content": [
        {"type": "input_image", "image_url": url}]}]})
    bodies = [el.proto.body for el in at.get("html")]
    assert not any("<img src=x" in b for b in bodies)
    assert any("&lt;img src=x onerror=alert(1)&gt;" in b for b in bodies)


def test_remote_images_are_fetched_only_on_request_and_only_public():
    body = {"model": "gpt-6-sol", "input": [{"role": "user", "content": [
        {"type": "input_image", "image_url": "http://127.0.0.1:9/a.png"}]}]}
    at = paste(open_page(), body)
    assert any("a remote URL, not fetched" in t for t in html_texts(at))
    at.toggle(key="request_fetch").set_value(True)
    run(at)
    reason = next(t for t in html_texts(at) if t.startswith("size unknown:"))
    assert "could not be read" in reason and "loopback" in reason
