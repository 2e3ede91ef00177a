"""A whole request estimated before it is sent (calc.engine.request), with an injected header
probe and fetcher: no image library, no network.

Known answers: the spec's (7952×5304 on gpt-6-sol at auto: rejected, 41,334 patches, the largest
accepted 6764×4512; gpt-5.4 1600×1600 high: 3000 measured; 1024×1024 high: 1229; gpt-4o
1024×1024 high: 765, low: 85; a 512 px low fit: 16×16 patches → ⌈256 × 1.2⌉ = 308), text counts
from OpenAI's cookbook ("tiktoken is great!" 6, "hello world" 2), prices from metering.md §9.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import calc
from calc.engine.errors import RefusedFormatError
from calc.engine.request import (
    HEADER_CHARS,
    data_url_bytes,
    estimate_request,
    json_size,
    on_model,
)


@dataclass(frozen=True)
class FakeHeader:
    width: int
    height: int
    format: str
    animated: bool = False
    frames: int = 1


def fake_image(width: int, height: int, fmt: str = "PNG", frames: int = 1,
               padding: int = 0) -> bytes:
    """Bytes the fake probe reads: b"IMG 800x600 PNG 1" (and padding after)."""
    return f"IMG {width}x{height} {fmt} {frames}".encode() + b"\0" * padding


def probe(data: bytes) -> FakeHeader:
    if not data.startswith(b"IMG "):
        raise calc.ImageError("the file is not an image that can be read")
    size, fmt, frames = data[4:].split(b"\0", 1)[0].decode().split()
    if fmt == "BMP":
        raise RefusedFormatError("BMP images are not accepted by the API")
    w, h = map(int, size.split("x"))
    return FakeHeader(w, h, fmt, int(frames) > 1, int(frames))


def data_url(width: int, height: int, fmt: str = "PNG", **kwargs) -> str:
    raw = base64.b64encode(fake_image(width, height, fmt, **kwargs)).decode()
    return f"data:image/{fmt.lower()};base64,{raw}"


def responses_image(url: str, detail: str | None = None) -> dict:
    part = {"type": "input_image", "image_url": url}
    return part if detail is None else part | {"detail": detail}


def chat_image(url: str, detail: str | None = None) -> dict:
    inner = {"url": url} if detail is None else {"url": url, "detail": detail}
    return {"type": "image_url", "image_url": inner}


def responses(model: str, *parts: dict, instructions: str | None = None) -> dict:
    body = {"model": model, "input": [{"role": "user", "content": list(parts)}]}
    return body if instructions is None else body | {"instructions": instructions}


def text(value: str, api: str = "responses") -> dict:
    return {"type": "input_text" if api == "responses" else "text", "text": value}


def run(body, **kwargs):
    return estimate_request(body, probe=probe, **kwargs)


# --- the known answers ----------------------------------------------------------------------


@pytest.mark.today("2026-12-03")
def test_a_responses_request_with_several_images():
    body = responses("gpt-5.4", text("tiktoken is great!"),
                     responses_image(data_url(1600, 1600), "high"),
                     responses_image(data_url(1024, 1024, "JPEG"), "high"),
                     instructions="hello world")
    r = run(json.dumps(body))
    assert r.api == "responses" and r.model == "gpt-5.4"
    assert [i.tokens for i in r.images] == [3000, 1229]
    assert [i.size for i in r.images] == [(1600, 1600), (1024, 1024)]
    assert [i.where for i in r.images] == ["input[0].content[1]", "input[0].content[2]"]
    assert (r.image_tokens, r.text_tokens, r.input_tokens) == (4229, 8, 4237)
    assert r.accepted and r.problems == () and (r.rejected, r.unknown) == (0, 0)
    assert r.messages == 2  # the instructions and one user message
    assert r.usd == Decimal("0.0105925")  # 4,237 × $2.50 / 1M


@pytest.mark.today("2026-12-03")
def test_a_rejection_a_low_detail_image_an_unfetched_url_and_a_file_id():
    body = responses("gpt-6-sol", text("hello world"),
                     responses_image(data_url(7952, 5304)),  # auto = original on gpt-6-sol
                     responses_image(data_url(1024, 1024), "low"),
                     responses_image("https://example.com/photo.jpg"),
                     {"type": "input_image", "file_id": "file-abc123", "detail": "high"})
    r = run(body)
    rejected, low, url, file_id = r.images
    assert (rejected.status, rejected.tokens) == ("rejected", None)
    assert rejected.reason == "rejected by the API: 41,334 patches > 30,000"
    assert rejected.largest_accepted == (6764, 4512)
    assert (low.status, low.tokens, low.detail) == ("accepted", 308, "low")
    assert (url.status, url.size) == ("unknown", None) and "not fetched" in url.reason
    assert (file_id.status, file_id.source, file_id.detail) == ("unknown", "file_id", "high")
    assert "file-abc123" in file_id.reason
    assert (r.image_tokens, r.text_tokens) == (308, 2)
    assert (r.rejected, r.unknown, r.accepted) == (1, 2, False)
    assert r.problems == ("1 image rejected (image 1): the API answers HTTP 400 and bills "
                          "nothing",)
    assert r.usd == Decimal("0.00062")  # (308 + 2) × $2.00 / 1M: what the rest would cost


@pytest.mark.today("2026-12-03")
def test_a_chat_completions_request_with_several_images():
    body = {"model": "gpt-4o", "messages": [
        {"role": "system", "content": "hello world"},
        {"role": "user", "content": [
            text("tiktoken is great!", "chat"),
            chat_image(data_url(1024, 1024), "high"),
            chat_image(data_url(2048, 4096, "JPEG")),  # no detail: auto = high on gpt-4o
            chat_image(data_url(4096, 8192), "low"),
        ]},
    ]}
    r = run(body)
    assert r.api == "chat.completions"
    assert [i.tokens for i in r.images] == [765, 1105, 85]
    assert [i.where for i in r.images] == [f"messages[1].content[{j}]" for j in (1, 2, 3)]
    assert [i.estimate.effective_detail for i in r.images] == ["high", "high", "low"]
    assert (r.image_tokens, r.text_tokens, r.messages) == (1955, 8, 2)
    assert r.usd == Decimal("0.0049075")  # 1,963 × $2.50 / 1M


def test_a_string_input_is_one_message_of_text():
    r = run({"model": "gpt-6-luna", "input": "tiktoken is great!"})
    assert (r.text_tokens, r.messages, r.images) == (6, 1, ())


def test_a_remote_url_is_fetched_once_when_a_fetcher_is_given():
    asked = []

    def fetch(url: str) -> bytes:
        asked.append(url)
        return fake_image(1600, 1600)

    url = "https://example.com/a.png"
    body = responses("gpt-5.4", responses_image(url, "high"), responses_image(url, "high"))
    r = run(body, fetch=fetch)
    assert [i.tokens for i in r.images] == [3000, 3000] and asked == [url]


def test_a_url_that_cannot_be_fetched_is_unknown_with_the_reason():
    def fetch(url: str) -> bytes:
        raise calc.FetchError("only public addresses are fetched")

    r = run(responses("gpt-5.4", responses_image("https://10.0.0.1/a.png")), fetch=fetch)
    (image,) = r.images
    assert image.status == "unknown"
    assert image.reason == "could not be read: only public addresses are fetched"


def test_a_refused_format_is_a_rejected_image():
    r = run(responses("gpt-5.4", responses_image(data_url(640, 480, "BMP"))))
    (image,) = r.images
    assert image.status == "rejected" and image.largest_accepted is None
    assert image.reason == "the API refuses it: BMP images are not accepted by the API"
    assert not r.accepted


def test_an_animated_image_is_priced_by_its_first_frame_and_says_so():
    (image,) = run(responses("gpt-5.6-sol", responses_image(data_url(512, 512, "GIF",
                                                                     frames=3)))).images
    assert image.tokens == 308  # 16 × 16 patches × 1.2, rounded up
    assert image.notes[0].startswith("animated (3 frames): the API reads the first frame")


def test_a_data_url_is_read_from_its_head_only():
    seen = []

    def counting_probe(data: bytes) -> FakeHeader:
        seen.append(len(data))
        return probe(data)

    big = data_url(1600, 1600, padding=3 * HEADER_CHARS)
    r = estimate_request(responses("gpt-5.4", responses_image(big, "high")),
                         probe=counting_probe)
    assert r.images[0].tokens == 3000
    assert seen == [HEADER_CHARS // 4 * 3]  # the first 256 Ki characters of base64, decoded
    assert data_url_bytes(big) == fake_image(1600, 1600, padding=3 * HEADER_CHARS)


def test_on_another_model_the_same_sizes_are_estimated_again():
    r = run(responses("gpt-6-sol", text("hello world"), responses_image(data_url(7952, 5304))))
    assert r.rejected == 1
    # auto = high on gpt-5.4: fit 2048 → 2048×1366 (2,752 patches); shrink to 2,500: 40 rows
    # of 32 px → 1919×1280, 60×40 = 2,400 patches → 2,880 tokens
    again = on_model(r, "gpt-5.4")
    assert again.model == "gpt-5.4" and again.images[0].tokens == 2880
    assert (again.accepted, again.text_tokens, again.requested_model) == (True, 2, "gpt-6-sol")


# --- the request's limits (metering.md §17) ------------------------------------------------------


def test_more_than_1500_images_is_refused():
    one = data_url(32, 32)
    r = run(responses("gpt-5.4", *[responses_image(one, "low")] * 1501))
    assert len(r.images) == 1501 and r.rejected == 0
    assert r.problems == ("1,501 images: the API takes at most 1,500 per request — split it",)
    assert len(run(responses("gpt-5.4", *[responses_image(one, "low")] * 1500)).problems) == 0


def test_a_payload_over_the_limit_is_refused(monkeypatch):
    assert calc.catalogue().limits["request_payload_mb"] == 512  # metering.md §17
    monkeypatch.setitem(calc.catalogue().limits, "request_payload_mb", 1)  # 1 MiB: a small body
    body = json.dumps(responses("gpt-5.4", responses_image(data_url(32, 32, padding=2**20))))
    r = run(body)
    assert r.payload_bytes == len(body) > 2**20
    assert r.problems == ("1.3 MB: over the API's 1 MB payload limit — link the images by URL "
                          "instead",)
    assert run(responses("gpt-5.4", responses_image(data_url(32, 32)))).problems == ()


@pytest.mark.today("2026-12-03")
def test_a_shut_down_model_is_refused():
    r = run(responses("gpt-4.1-nano", text("hello world")))  # shut down 2026-10-23
    assert r.problems == ("gpt-4.1-nano was shut down on 2026-10-23: the API no longer "
                          "serves it",)


@pytest.mark.today("2026-12-03")
def test_the_tier_and_day_are_passed_through():
    body = responses("gpt-5.4", text("tiktoken is great!"))
    r = run(body, tier="batch", on="2026-12-03")
    assert r.usd == Decimal("0.0000075")  # 6 × $2.50 / 1M × ½
    assert (r.tier, r.on.isoformat()) == ("batch", "2026-12-03")
    with pytest.raises(calc.CalcError, match="unknown price tier 'cheap'"):
        run(body, tier="cheap")


@pytest.mark.today("2026-12-03")
def test_a_tier_the_model_does_not_offer_leaves_it_unpriced():
    # metering.md §9.2: Ultrafast only on gpt-6-astra, gpt-6.1-sol (6×) and gpt-6.2-sol (3× until
    # 2027-02-28); "priority" is Fast's old name
    body = responses("gpt-6-sol", text("tiktoken is great!"), responses_image(data_url(32, 32)))
    r = run(body, tier="ultrafast")
    assert (r.usd, r.images[0].usd) == (None, None) and r.tier == "ultrafast"
    assert r.notes == ("gpt-6-sol does not offer the Ultrafast tier: no price",)
    assert r.accepted  # the tier is how it is billed, not what the API refuses
    # 6 text + 2 image tokens (1 patch × 1.2, rounded up) × $2.00 / 1M × 3
    assert on_model(r, "gpt-6.2-sol").usd == Decimal("0.000048")
    assert run(body, tier="priority").tier == "fast"


def test_the_json_has_the_request_and_each_image():
    r = run(responses("gpt-6-sol", text("hello world"), responses_image(data_url(7952, 5304)),
                      responses_image("https://example.com/a.png")))
    d = json.loads(json.dumps(r.to_dict()))
    assert {k: d[k] for k in ("image_tokens", "text_tokens", "rejected", "unknown",
                              "accepted")} == {"image_tokens": 0, "text_tokens": 2,
                                               "rejected": 1, "unknown": 1, "accepted": False}
    assert d["image_list"][0]["largest_accepted"] == [6764, 4512]
    assert d["image_list"][0]["reference"].startswith("data:image/png;base64,… (")
    assert Decimal(d["usd"]) == Decimal("0.000004")  # 2 × $2.00 / 1M, a plain decimal string
    assert "E" not in d["usd"]


# --- bodies that are not requests -----------------------------------------------------------


@pytest.mark.parametrize("body, message", [
    ("{not json", "the request is not JSON: Expecting property name enclosed in double quotes "
                  "at line 1, column 2"),
    ("[1, 2]", "must be a JSON object .* not a list"),
    ('"hello"', "must be a JSON object .* not a string"),
    (42, "a request is a JSON text or a dict, not int"),
    ({"model": "gpt-5.4"}, "neither `input` .* nor `messages`"),
    ({"model": "gpt-5.4", "input": "x", "messages": []}, "both `input` .* and `messages`"),
    ({"input": "x"}, "the request names no `model`"),
    ({"model": "gpt-5-pro", "input": "x"}, "unknown model 'gpt-5-pro'"),
    ({"model": "gpt-image-2", "input": "x"}, "gpt-image-2 makes images"),
    ({"model": "gpt-5.4", "input": []}, "`input` is empty"),
    ({"model": "gpt-5.4", "input": {"role": "user"}}, "`input` must be a list of messages, "
                                                      "not an object"),
    ({"model": "gpt-5.4", "input": [{"type": "function_call_output", "output": "x"}]},
     r"input\[0\] is 'function_call_output': only messages"),
    ({"model": "gpt-5.4", "input": [{"role": "user", "content": 7}]},
     r"input\[0\]\.content must be a string or a list of parts, not a number"),
    ({"model": "gpt-5.4", "input": [{"role": "user", "content": [{"type": "input_image"}]}]},
     r"input\[0\]\.content\[0\] is an image part without a URL: it needs image_url or file_id"),
    ({"model": "gpt-5.4", "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"detail": "low"}}]}]},
     r"messages\[0\]\.content\[0\] is an image part without a URL: it needs image_url\.url"),
    ({"model": "gpt-5.4", "input": [{"role": "user", "content": [
        {"type": "input_image", "image_url": "ftp://example.com/a.png"}]}]},
     "an image URL is an http.s. or data: URL, not ftp: URL"),
    ({"model": "gpt-5.4", "input": [{"role": "user", "content": [
        {"type": "input_image", "image_url": "https://e.com/a.png", "detail": "ultra"}]}]},
     r"content\[0\]\.detail is 'ultra': use one of low, high, auto, original"),
    ({"model": "gpt-5.4", "input": [{"role": "user", "content": [
        {"type": "input_file", "file_id": "file-1"}]}]},
     "is a 'input_file' part: only text and image parts can be estimated"),
    ({"model": "gpt-5.4", "input": [{"role": "user", "content": [
        {"type": "input_text", "text": 5}]}]}, r"content\[0\]\.text must be a string"),
    ({"model": "gpt-5.4", "input": [{"role": "user", "content": [
        {"type": "input_image", "image_url": "data:text/plain;base64,aGVsbG8="}]}]},
     r"input\[0\]\.content\[0\]: the data URL is text/plain, not an image"),
    ({"model": "gpt-5.4", "input": [{"role": "user", "content": [
        {"type": "input_image", "image_url": "data:image/png;base64,aGVsbG8="}]}]},
     r"content\[0\]: the data URL holds no image the API takes: the file is not an image"),
    ({"model": "gpt-5.4", "input": [{"role": "user", "content": [
        {"type": "input_image", "image_url": "data:image/png,hello"}]}]},
     "the data URL is not base64"),
    ({"model": "gpt-5.4", "input": [{"role": "user", "content": [
        {"type": "input_image", "image_url": "data:image/png;base64,a"}]}]},
     "the data URL's base64 is damaged"),
])
def test_a_body_that_is_not_a_request_says_what_is_wrong(body, message):
    with pytest.raises(calc.CalcError, match=message):
        run(body)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20)


@pytest.mark.parametrize("value", ["", "a\"b\\c", "\x7f", "line\nbreak", "\x00", "é",
                                   {"\x7f": [1, None]}])
def test_the_size_of_escaped_strings(value):
    assert json_size(value) == len(json.dumps(value, separators=(",", ":")))


@given(JSON)
def test_the_size_of_a_dict_body_is_its_compact_json(value):
    assert json_size(value) == len(json.dumps(value, separators=(",", ":")))
