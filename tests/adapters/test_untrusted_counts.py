"""Numbers in an API reply are untrusted: a token count that is not one is the endpoint's fault.

Through the real openai client over real HTTP to FakeOpenAI, whose `tamper_next` writes any JSON
text in place of one count: negative, fractional, strings, booleans, null, beyond any context
window, numbers no parser takes. Each comes back as a BadCountError (or BadReplyError), never as a
Measurement, a crash, or a row in the calibration log.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calc.adapters import openai_usage as ou
from calc.adapters.calibration_store import BadRowError, CalibrationLog, LogRow
from calc.engine.counts import MAX_TOKENS, shown, token_count
from calc.views.calibration import CalibrationJob, measurer
from tests.fakes.fake_openai import FakeOpenAI

KEY = "sk-proj-UntrustedCounts0123456789abcdef"
BASELINE = 14  # the fake: 9 tokens of framing + the 5 words of the default prompt
# gpt-5-mini at ×1.2 on 64×64: 4 patches → ceil(4.8) = 5 image tokens.
WITH_IMAGE = BASELINE + 5
# Every count each method reads, and the JSON path the fake sends it at.
COUNTS = [
    ("count", "input_tokens"),
    ("run", "usage.input_tokens"),
    ("run", "usage.output_tokens"),
    ("chat", "usage.prompt_tokens"),
    ("chat", "usage.completion_tokens"),
]
IMAGE_COUNTS = {"input_tokens", "usage.input_tokens", "usage.prompt_tokens"}


@pytest.fixture(scope="module")
def server():
    with FakeOpenAI(keys=(KEY,), multiplier=1.2) as f:
        yield f


@pytest.fixture
def fake(server):
    server.reset()
    return server


@pytest.fixture(scope="module")
def client(server):
    return ou.make_client(KEY, server.base_url, timeout=5)


IMAGE = ou.solid_png_data_url(64, 64)


def measure(client, method: str) -> ou.Measurement:
    return ou.METHODS[method](client, model="gpt-5-mini", image_url=IMAGE, detail="high")


# --- what a count is --------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "count"), [
    (0, 0), (1, 1), (255, 255), (10_000_000, 10_000_000),
    (10_000_001, None), (-1, None), (-10**40, None), (10**4000, None),
    (True, None), (False, None), (3.0, None), (3.5, None), (math.nan, None), (math.inf, None),
    ("12", None), ("", None), (None, None), ([12], None), ({"n": 12}, None),
    (Decimal(12), None), (Fraction(12), None),
])
def test_a_token_count_is_a_whole_number_from_0_to_ten_million(value, count):
    assert MAX_TOKENS == 10_000_000
    assert token_count(value) == count


@pytest.mark.parametrize(("value", "text"), [
    (None, "null"), (True, "true"), (-5, "-5"), (3.5, "3.5"), ("12", "'12'"),
    ("x" * 100, "'" + "x" * 40 + "…'"), (10**30, "a number of more than 19 digits"),
    (-(10**30), "a negative number of more than 19 digits"), ([[1]], "a list"),
    ({"a": 1}, "an object"),
])
def test_a_bad_value_is_quoted_short(value, text):
    assert shown(value) == text


# --- each count, each kind of bad value, through the real client ------------------------------


BAD = [
    ("-5", "-5"), ("3.0", "3.0"), ("3.5", "3.5"), ('"19"', "'19'"), ("true", "true"),
    ("false", "false"), ("10000001", "10000001"),
    ("1" + "0" * 30, "a number of more than 19 digits"), ("NaN", "nan"), ("-Infinity", "-inf"),
    ("[19]", "a list"), ('{"n": 19}', "an object"),
]


@pytest.mark.parametrize(("method", "path"), COUNTS, ids=[f"{m}:{p}" for m, p in COUNTS])
@pytest.mark.parametrize(("raw", "quoted"), BAD, ids=[b[0][:12] for b in BAD])
def test_a_count_that_is_not_one_is_an_api_fault(fake, client, method, path, raw, quoted):
    fake.tamper_next(path, raw)
    with pytest.raises(ou.BadCountError) as info:
        measure(client, method)
    said = str(info.value)
    assert f"reported {path} = {quoted}, which is not a token count" in said
    assert "from 0 to 10,000,000" in said and "nothing was measured or logged" in said
    assert info.value.status == 200


@pytest.mark.parametrize(("method", "path"), COUNTS, ids=[f"{m}:{p}" for m, p in COUNTS])
def test_a_null_count_is_an_api_fault_too(fake, client, method, path):
    fake.tamper_next(path, "null")
    with pytest.raises(ou.BadCountError, match=f"the reply has no {path} .null or missing., so "
                                               "nothing was measured or logged"):
        measure(client, method)


@pytest.mark.parametrize(("method", "path"), COUNTS, ids=[f"{m}:{p}" for m, p in COUNTS])
@pytest.mark.parametrize("raw", ["1" + "0" * 5000, "[" * 100_000 + "]" * 100_000],
                         ids=["5001-digit-number", "nested-100000-deep"])
def test_a_reply_no_parser_takes_is_a_bad_reply_not_a_crash(fake, client, method, path, raw):
    fake.tamper_next(path, raw)
    with pytest.raises(ou.BadReplyError, match="not valid JSON"):
        measure(client, method)


@pytest.mark.parametrize("method", ["count", "run", "chat"])
def test_fewer_tokens_with_the_image_than_without_is_an_api_fault(fake, client, method):
    path = {"count": "input_tokens", "run": "usage.input_tokens",
            "chat": "usage.prompt_tokens"}[method]
    fake.tamper_next(path, str(BASELINE - 1))  # the call with the image comes first
    with pytest.raises(ou.BadCountError,
                       match=r"fewer input tokens with the image \(13\) than without it \(14\)"):
        measure(client, method)


def test_the_largest_counts_are_measured_and_priced_without_overflow(fake, client):
    fake.tamper_next("usage.input_tokens", str(MAX_TOKENS))
    fake.tamper_next("usage.output_tokens", str(MAX_TOKENS))
    m = measure(client, "run")
    assert (m.with_image, m.baseline, m.output_tokens) == (MAX_TOKENS, BASELINE, MAX_TOKENS)
    assert m.image_tokens == MAX_TOKENS - BASELINE
    # 10,000,000 × $0.25 + 10,000,000 × $2.00, per 1M: exact dollars, no overflow
    assert m.cost_usd == Decimal("22.5")


def test_the_free_prompt_count_reads_the_same_rule(fake, client):
    fake.tamper_next("input_tokens", "-1")
    with pytest.raises(ou.BadCountError, match="input_tokens = -1"):
        ou.count_text_tokens(client, "gpt-5-mini", "Describe the picture.")


# --- any value at all (Hypothesis) --------------------------------------------------------------


REPLY_VALUES = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.integers(min_value=0, max_value=MAX_TOKENS + 2),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.none(), st.text(max_size=30),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(),
                                                         max_size=2),
)


@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(COUNTS), value=REPLY_VALUES)
def test_any_reply_value_is_either_a_true_count_or_an_api_fault(fake, client, case, value):
    method, path = case
    fake.reset()
    fake.tamper_next(path, json.dumps(value))
    count = token_count(value)
    if count is None:
        with pytest.raises(ou.BadCountError, match="not a token count|null or missing"):
            measure(client, method)
        return
    if path in IMAGE_COUNTS and count < BASELINE:
        with pytest.raises(ou.BadCountError, match="fewer input tokens with the image"):
            measure(client, method)
        return
    m = measure(client, method)
    if path in IMAGE_COUNTS:
        assert (m.with_image, m.baseline, m.image_tokens) == (count, BASELINE, count - BASELINE)
    else:
        assert (m.with_image, m.output_tokens) == (WITH_IMAGE, count)


# --- nothing but counts reaches the calibration log --------------------------------------------


def _row(**numbers) -> LogRow:
    values = dict(width=64, height=64, estimate=5, reported=5, baseline=14) | numbers
    return LogRow(endpoint_host="127.0.0.1:1", model_requested="gpt-5-mini",
                  model_returned="gpt-5-mini", detail="high", fidelity="low", method="count",
                  rules_version="2026-12-03", **values)


@pytest.mark.parametrize("column", ["estimate", "reported", "baseline", "width", "height"])
@pytest.mark.parametrize("value", [-1, 2**63, 10**30, 3.0, "5", True, None],
                         ids=["negative", "2**63", "10**30", "float", "text", "bool", "null"])
def test_the_log_refuses_a_number_that_is_not_a_count_or_a_size(tmp_path, column, value):
    log = CalibrationLog(tmp_path / "calibration.sqlite3")
    with pytest.raises(BadRowError, match=f"^{column} must be a .*nothing was written$"):
        log.add(_row(**{column: value}))
    assert log.rows() == []


@settings(max_examples=100)
@given(column=st.sampled_from(["estimate", "reported", "baseline"]), value=REPLY_VALUES)
def test_the_log_keeps_exactly_the_counts_and_refuses_the_rest(tmp_path_factory, column, value):
    log = CalibrationLog(tmp_path_factory.mktemp("log") / "calibration.sqlite3")
    if token_count(value) is None:
        with pytest.raises(BadRowError):
            log.add(_row(**{column: value}))
        assert log.rows() == []
    else:
        log.add(_row(**{column: value}))
        assert getattr(log.rows()[0], column) == value


# --- a calibration run stops at the fault and keeps what it measured ---------------------------


def test_a_calibration_run_ends_at_a_bad_count_with_the_points_before_it(fake, client):
    sizes = ((64, 64), (320, 320), (512, 512))
    job = CalibrationJob("gpt-5-mini", sizes)
    fn = measurer(client, model="gpt-5-mini")
    job.step(fn)
    fake.tamper_next("input_tokens", '"lots"')
    job.step(fn)
    job.step(fn)  # a finished job measures nothing more
    assert job.finished and len(job.done) == 1
    assert "input_tokens = 'lots', which is not a token count" in job.error
    result = job.result()
    assert [(p.width, p.image_tokens) for p in result.points] == [(64, 5)]
    assert result.error == job.error
