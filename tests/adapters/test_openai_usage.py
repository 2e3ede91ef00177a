"""calc.adapters.openai_usage against FakeOpenAI, through the real openai client over real HTTP."""

from __future__ import annotations

import json
import urllib.request
from decimal import Decimal

import openai
import pytest

import calc
from calc.adapters import openai_usage as measure
from calc.adapters.key_scrub import scrub
from calc.adapters.openai_usage import (
    AccessDeniedError,
    ApiTimeoutError,
    BadReplyError,
    ConnectionFailedError,
    KeyRejectedError,
    Measurement,
    MissingKeyError,
    ModelNotFoundError,
    RateLimitedError,
    RequestRejectedError,
    ServerError,
    compare,
    make_client,
    solid_png_data_url,
)
from calc.engine.errors import ApiError
from tests.fakes.fake_openai import FakeOpenAI, closed_port_url

# Two key shapes: an OpenAI-looking one, and one only exact-match scrubbing can catch.
KEYS = ("sk-proj-Abc123Def456Ghi789Jkl012", "custom-key-XYZ987654321")
PROMPT = "What is in this image?"  # 5 words in the fake's count


@pytest.fixture(scope="module")
def server():
    # One server for the module (building clients and servers per test doubles the run time);
    # `fake` resets it before each test.
    with FakeOpenAI(keys=KEYS, framing=9, timeout_sleep=10) as f:
        yield f


@pytest.fixture
def fake(server):
    server.reset()
    return server


@pytest.fixture(params=KEYS, ids=["sk-key", "custom-key"])
def key(request):
    return request.param


@pytest.fixture(scope="module")
def clients(server):
    return {k: make_client(k, server.base_url, timeout=5) for k in KEYS}


@pytest.fixture
def client(fake, clients, key):
    return clients[key]


def _measure(method, client, model="gpt-5-mini", size=(512, 512), detail="high", **kw):
    url = kw.pop("image_url", None) or solid_png_data_url(*size)
    return measure.METHODS[method](client, model=model, image_url=url, detail=detail, **kw)


# --- the three measuring paths ------------------------------------------------------------


@pytest.mark.parametrize("method", ["count", "run", "chat"])
def test_each_method_reports_the_fakes_image_tokens(fake, client, method):
    m = _measure(method, client)
    assert m.method == method
    assert m.image_tokens == fake.image_tokens_for(512, 512, "gpt-5-mini") == 308
    # The baseline is the prompt alone: framing + 5 words in the fake.
    assert m.baseline == fake.framing + 5
    assert m.with_image == m.baseline + 308
    assert m.endpoint_host == f"127.0.0.1:{fake.port}"
    assert m.model_requested == "gpt-5-mini"


def test_count_is_free_and_keeps_the_requested_name(client):
    m = _measure("count", client)
    assert m.model_returned == "gpt-5-mini"
    assert m.cost_usd == Decimal(0)
    assert m.output_tokens == 0 and m.reply_text == ""


def test_count_text_tokens_counts_one_user_message_for_free(fake, client):
    n = measure.count_text_tokens(client, "gpt-5-mini", "Read the receipt and return its total")
    assert n == fake.framing + 7  # the fake counts words, plus one message's framing
    (request,) = fake.requests
    assert request.path == "/v1/responses/input_tokens"
    assert request.body["input"] == [{"role": "user", "content": [
        {"type": "input_text", "text": "Read the receipt and return its total"}]}]


def test_count_text_tokens_refuses_an_empty_prompt_without_calling(fake, client):
    with pytest.raises(calc.CalcError, match="no prompt"):
        measure.count_text_tokens(client, "gpt-5-mini", "  \n")
    assert fake.requests == []


def test_run_reads_usage_model_and_reply(fake, client):
    m = _measure("run", client, max_output_tokens=16)
    assert m.model_returned == "gpt-5-mini-2025-08-07"  # dated, from the response
    assert m.reply_text == "A single flat colour fills the whole image."
    assert m.output_tokens == 8
    # gpt-5-mini (docs/metering.md §9): (322 × $0.25 + 8 × $2.00) / 1M, exactly
    assert m.with_image == 322 and m.cost_usd == Decimal("0.0000965")
    paths = [r.path for r in fake.requests]
    # One billed run with the image, the baseline from the free count endpoint.
    assert paths == ["/v1/responses/input_tokens", "/v1/responses"]
    assert fake.requests[1].body["max_output_tokens"] == 16


def test_run_truncates_reply_at_max_output_tokens(client):
    m = _measure("run", client, max_output_tokens=3)
    assert m.output_tokens == 3 and m.reply_text == "A single flat"


def test_chat_bills_a_second_call_for_the_baseline(fake, client):
    m = _measure("chat", client)
    assert [r.path for r in fake.requests] == ["/v1/chat/completions"] * 2
    first, second = (r.body["messages"][0]["content"] for r in fake.requests)
    assert [p["type"] for p in first] == ["text", "image_url"]
    assert [p["type"] for p in second] == ["text"]  # same prompt, no image
    assert m.model_returned == "gpt-5-mini-2025-08-07"
    # both calls: (322 + 14) × $0.25 + (8 + 8) × $2.00, per 1M, exactly
    assert (m.with_image, m.baseline) == (322, 14) and m.cost_usd == Decimal("0.000116")


@pytest.mark.parametrize("framing", [0, 9, 13])
def test_baseline_absorbs_framing_and_prompt(framing):
    prompt = "Describe this picture in one short sentence please"  # 8 words
    with FakeOpenAI(keys=KEYS, multiplier=1.2, framing=framing) as f:
        c = make_client(KEYS[0], f.base_url, timeout=5)
        m = _measure("count", c, prompt=prompt)
    assert m.baseline == framing + 8
    assert m.image_tokens == 308


@pytest.mark.parametrize(
    ("model", "size", "detail", "expected"),
    [
        ("gpt-4o", (1, 1), "high", 255),
        ("gpt-4o", (1, 1), "low", 85),
        ("gpt-4o", (1, 1), "auto", 255),
        ("gpt-4.1", (2049, 513), "high", 1445),
        ("gpt-4.1-mini", (128, 64), "low", 13),
        ("gpt-5-mini", (2048, 768), "high", 1844),
    ],
)
def test_measurement_matches_calc_estimate(client, model, size, detail, expected):
    m = _measure("count", client, model=model, size=size, detail=detail)
    est = calc.estimate(*size, model, detail=detail)
    assert m.image_tokens == expected == est.tokens
    assert compare(est, m).verdict == "exact"


@pytest.mark.parametrize("method", ["count", "run", "chat"])
def test_request_carries_the_data_url_and_detail(fake, client, method):
    url = solid_png_data_url(100, 60)
    _measure(method, client, image_url=url, detail="low")
    # The one request that carries an image (run and chat also send an image-free baseline).
    [body] = [r.body for r in fake.requests if "data:image" in json.dumps(r.body)]
    if method == "chat":
        part = body["messages"][0]["content"][1]
        assert part == {"type": "image_url", "image_url": {"url": url, "detail": "low"}}
    else:
        part = body["input"][0]["content"][1]
        assert part == {"type": "input_image", "image_url": url, "detail": "low"}
    assert body["model"] == "gpt-5-mini"
    assert fake.images[0].width == 100 and fake.images[0].height == 60
    assert fake.images[0].detail == "low"


def test_key_travels_only_in_the_authorization_header(fake, client, key):
    for method in ("count", "run", "chat"):
        _measure(method, client)
    assert fake.requests
    for r in fake.requests:
        assert r.headers["authorization"] == f"Bearer {key}"
        others = {k: v for k, v in r.headers.items() if k.lower() != "authorization"}
        assert key not in repr(others)
        assert key.encode() not in r.raw_body
        assert key not in r.path


def test_make_client_does_not_retry_and_sets_timeout(fake):
    c = make_client(KEYS[0], fake.base_url, timeout=2.5)
    assert c.max_retries == 0
    assert c.timeout.read == 2.5 and c.timeout.connect == 2.5
    default = make_client(KEYS[0], fake.base_url)
    # Seconds, not minutes: a dead endpoint fails within the connect timeout.
    assert default.timeout.connect == measure.CONNECT_TIMEOUT <= 10
    assert default.timeout.read == measure.READ_TIMEOUT <= 60
    fake.fail_next("server_error")
    with pytest.raises(ServerError):
        _measure("count", c)
    assert len(fake.requests) == 1  # one attempt, not a retry


@pytest.mark.parametrize("bad", ["", "   ", None])
def test_make_client_without_a_key(bad):
    with pytest.raises(MissingKeyError, match="no API key"):
        make_client(bad, "http://127.0.0.1:9/v1")


# --- failures -----------------------------------------------------------------------------

FAILURES = [
    ("auth", KeyRejectedError, "key was rejected"),
    ("permission", AccessDeniedError, "403"),
    ("model_not_found", ModelNotFoundError, "model"),
    ("invalid_image", RequestRejectedError, "refused"),
    ("rate_limit", RateLimitedError, "wait 7 s"),
    ("server_error", ServerError, "500"),
    ("unavailable", ServerError, "503"),
    ("garbage", BadReplyError, "not valid JSON"),
    ("garbage_html", BadReplyError, "base URL"),
    ("wrong_shape", BadReplyError, "base URL"),
]


def _assert_clean(err: ApiError, key: str) -> None:
    """A useful message, and the key nowhere: not in str, repr, args or a chained exception."""
    assert isinstance(err, ApiError)
    assert len(str(err)) > 20
    for text in (str(err), repr(err), repr(err.args)):
        assert key not in text
        assert "sk-proj" not in text
    assert err.__cause__ is None and err.__context__ is None


@pytest.mark.parametrize("method", ["count", "run", "chat"])
@pytest.mark.parametrize(("mode", "cls", "says"), FAILURES, ids=[f[0] for f in FAILURES])
def test_failure_modes(fake, clients, method, mode, cls, says):
    # The custom key: only exact-match scrubbing can hide it (auth tests also run the sk- one).
    key = KEYS[1]
    fake.fail_next(mode)
    with pytest.raises(cls) as info:
        _measure(method, clients[key])
    assert says in str(info.value)
    _assert_clean(info.value, key)


def test_auth_failure_echoing_the_key_is_scrubbed(fake, client, key):
    fake.fail_next("auth")  # the fake echoes the whole key in its message
    with pytest.raises(KeyRejectedError) as info:
        _measure("count", client)
    assert info.value.status == 401 and info.value.code == "invalid_api_key"
    assert "hidden" in str(info.value)
    _assert_clean(info.value, key)


def test_a_wrong_key_is_rejected_and_not_repeated(fake):
    wrong = "sk-wrong-0000111122223333"
    with pytest.raises(KeyRejectedError) as info:
        _measure("run", make_client(wrong, fake.base_url, timeout=5))
    _assert_clean(info.value, wrong)


def test_rate_limit_reports_retry_after(fake, client):
    fake.fail_next("rate_limit")
    with pytest.raises(RateLimitedError) as info:
        _measure("count", client)
    assert info.value.retry_after == 7.0
    assert info.value.status == 429


def test_unknown_model_name(client):
    with pytest.raises(ModelNotFoundError, match="model name") as info:
        _measure("count", client, model="gpt-nonexistent")
    assert info.value.status == 404 and info.value.code == "model_not_found"


def test_an_undecodable_image(client):
    with pytest.raises(RequestRejectedError) as info:
        _measure("count", client, image_url="data:image/png;base64,bm90IGFuIGltYWdl")
    assert info.value.status == 400 and "unsupported image" in str(info.value)


def test_timeout(fake, key):
    fake.fail_next("timeout")
    c = make_client(key, fake.base_url, timeout=0.5)
    with pytest.raises(ApiTimeoutError, match="was too slow: it went quiet") as info:
        _measure("count", c)
    _assert_clean(info.value, key)


def test_connection_refused_on_a_closed_port(key):
    url = closed_port_url()
    with pytest.raises(ConnectionFailedError, match="could not connect") as info:
        _measure("count", make_client(key, url, timeout=2))
    _assert_clean(info.value, key)
    assert url.split("//")[1].split("/")[0] in str(info.value)


def test_connection_refused_after_the_server_stops(key):
    with FakeOpenAI(keys=KEYS) as own:
        c = make_client(key, own.base_url, timeout=2)
        _measure("chat", c)  # works while it runs
    with pytest.raises(ConnectionFailedError) as info:
        _measure("chat", c)
    _assert_clean(info.value, key)


def test_wrong_base_url_path(fake, key):
    c = make_client(key, fake.base_url.removesuffix("/v1") + "/nope", timeout=2)
    with pytest.raises(measure.EndpointNotFoundError, match="base URL"):
        _measure("count", c)


# --- scrubbing ----------------------------------------------------------------------------


def test_scrub_hides_keys_bearer_tokens_and_key_shapes():
    text = ("key custom-key-XYZ987654321 failed; Authorization: Bearer abc.def; "
            "Incorrect API key provided: sk-proj-****abcd; other sk-Zz9yY8xX7")
    out = scrub(text, "custom-key-XYZ987654321")
    assert "custom-key-XYZ987654321" not in out
    assert "abc.def" not in out and "****abcd" not in out and "Zz9yY8xX7" not in out
    assert "task-specific" in scrub("a task-specific model")  # not every "sk-" is a key


# --- compare ------------------------------------------------------------------------------


def _m(image_tokens: int, baseline: int = 14) -> Measurement:
    return Measurement("count", "gpt-5-mini", "gpt-5-mini", "high",
                       with_image=baseline + image_tokens, baseline=baseline)


def test_compare_exact():
    c = compare(308, _m(308))
    assert (c.verdict, c.difference, c.percent) == ("exact", 0, 0)
    assert "exactly" in c.explanation


@pytest.mark.parametrize("reported", [308 + 15, 308 - 15, 309])
def test_compare_within_framing(reported):
    c = compare(308, _m(reported))
    assert c.verdict == "within framing overhead"
    assert c.difference == reported - 308


def test_compare_off_suggests_the_implied_multiplier():
    est = calc.estimate(512, 512, "gpt-5-mini", detail="high")  # 256 patches × 1.2 = 308
    c = compare(est, _m(415))  # what ×1.62 would bill
    assert c.verdict == "off"
    assert c.difference == 107
    assert c.percent == pytest.approx(107 * 100 / 308)
    assert c.implied_multiplier == Decimal("1.62")
    assert "×1.62" in c.explanation and "×1.2" in c.explanation


def test_compare_off_on_a_tile_model_has_no_multiplier():
    est = calc.estimate(1, 1, "gpt-4o", detail="high")
    c = compare(est, _m(85))
    assert c.verdict == "off" and c.implied_multiplier is None


def test_compare_accepts_a_plain_int_and_a_zero_estimate():
    assert compare(0, _m(20)).percent is None
    assert compare(100, _m(50)).verdict == "off"


def test_measurement_image_tokens_cannot_disagree():
    m = Measurement("count", "m", "m", "high", with_image=100, baseline=14)
    assert m.image_tokens == 86
    with pytest.raises(TypeError):
        Measurement("count", "m", "m", "high", with_image=100, baseline=14, image_tokens=1)


def test_translation_covers_sdk_errors_outside_http():
    # An SDK error that is not an HTTP failure still becomes an ApiError, key scrubbed.
    class Client:
        api_key = KEYS[1]
        base_url = "https://api.example.test/v1"

    err = measure._translate(openai.OpenAIError(f"broken with {KEYS[1]}"), Client())
    assert isinstance(err, measure.UnexpectedApiError)
    assert KEYS[1] not in str(err)


def test_control_endpoint_steers_a_standalone_fake(fake, client):
    def post(path, body):
        req = urllib.request.Request(fake.base_url.removesuffix("/v1") + path,
                                     data=json.dumps(body).encode(), method="POST")
        with urllib.request.urlopen(req, timeout=5) as reply:
            return json.load(reply)

    assert post("/_fake/fail_next", {"mode": "unavailable"}) == {"ok": True}
    assert fake.requests == []  # control requests are not recorded
    with pytest.raises(ServerError, match="503"):
        _measure("count", client)
    post("/_fake/fail_always", {"mode": "permission"})
    for _ in range(2):
        with pytest.raises(AccessDeniedError):
            _measure("count", client)
    post("/_fake/fail_always", {"mode": None})
    assert _measure("count", client).image_tokens == 308
