"""Plan's "Paste the prompt" / "Count it (free)" under AppTest, against FakeOpenAI on 127.0.0.1.

The key rules are Verify's (calc.views.access): the operator's key goes only to the operator's
endpoint, whatever a visitor typed; without a key the button is off and the page says the
prompt tokens are typed. Every test isolates itself from a real `.streamlit/secrets.toml`.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from streamlit.testing.v1 import AppTest

import calc
from calc.engine.request_cost import as_decimal
from calc.views.model_choice import DEFAULT_PLAN_MODELS
from tests.fakes.apptest import page, run
from tests.fakes.fake_openai import FakeOpenAI, PatchRule

PAGE = page("plan.py")
KEY = "sk-proj-PlanPromptSecret0123456789abcdef"
PROMPT = "Read the receipt in the photo and return its date, shop and total as JSON"  # 15 words
WORDS = len(PROMPT.split())
FIRST = "gpt-6-luna"  # the first default model: the prompt is counted on it
LUNA_INPUT = Fraction(Decimal("0.10"))  # $ per million input tokens (catalogue, spec §8)


def fake_models() -> dict:
    """The fake meters the default Plan models (it knows only the models it is given)."""
    return {m: PatchRule(1.0, f"{m}-2026-11-01") for m in DEFAULT_PLAN_MODELS}


@pytest.fixture(scope="module")
def servers():
    with FakeOpenAI(keys=(KEY,), models=fake_models(), framing=9) as a, \
            FakeOpenAI(keys=(KEY,), models=fake_models(), framing=9) as b:
        yield a, b


@pytest.fixture
def fake(servers):
    for s in servers:
        s.reset()
    return servers[0]


@pytest.fixture
def other(servers):
    return servers[1]


@pytest.fixture
def with_key(monkeypatch, fake):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
    return monkeypatch


@pytest.fixture
def without_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    return monkeypatch


def open_page(session: dict | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.secrets["_isolated_from_real_secrets"] = "yes"
    for k, v in (session or {}).items():
        at.session_state[k] = v
    return run(at)


def text_of(at: AppTest) -> str:
    parts = []
    for kind in ("markdown", "caption", "info", "success", "warning", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [str(b.help or "") for b in at.button]
    return "\n".join(parts)


def luna_text_input(at: AppTest) -> str:
    table = next(d.value for d in at.dataframe if "$ / request" in d.value.columns)
    return table.set_index("model").loc[FIRST, "text input"]


def count(at: AppTest, prompt: str = PROMPT) -> AppTest:
    at.text_area(key="plan_prompt_text").input(prompt)
    at.button(key="plan_count_prompt").click()
    return run(at)


def test_the_count_lands_in_prompt_tokens_and_the_figures_follow(with_key, fake):
    at = open_page()
    assert at.number_input(key="plan_prompt").value == 0
    assert luna_text_input(at) == calc.format_usd(Decimal(0))
    assert not at.button(key="plan_count_prompt").disabled
    count(at)
    expected = fake.framing + WORDS  # one user message: framing + the fake's word count
    assert at.number_input(key="plan_prompt").value == expected
    assert luna_text_input(at) == calc.format_usd(as_decimal(expected * LUNA_INPUT / 10**6))
    (request,) = fake.requests
    assert request.path == "/v1/responses/input_tokens"
    assert request.body["model"] == FIRST
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert f"Counted: {expected:,} prompt tokens" in text_of(at)


def test_the_operators_key_never_goes_to_an_endpoint_a_visitor_typed(with_key, fake, other):
    # A base URL typed on Verify, without a key of the visitor's own: Verify ignores it for
    # the app's key, and so does Plan.
    at = open_page({"verify_base_typed": other.base_url})
    count(at)
    assert other.requests == []
    assert [r.path for r in fake.requests] == ["/v1/responses/input_tokens"]


def test_a_visitors_own_key_from_verify_is_used(with_key, fake, other):
    mine = "sk-visitor-OwnKey9876543210zyxwvuts"
    at = open_page({"verify_key_typed": mine})
    count(at)
    # The fake knows only KEY: the visitor's key was sent (and refused), never the app's.
    (request,) = fake.requests
    assert request.headers["authorization"] == f"Bearer {mine}"
    assert at.number_input(key="plan_prompt").value == 0
    shown = text_of(at)
    assert "The prompt could not be counted" in shown
    assert mine not in shown and KEY not in shown


def test_an_api_failure_is_shown_inert_and_keeps_the_number(with_key, fake):
    at = open_page()
    at.number_input(key="plan_prompt").set_value(600)
    run(at)
    fake.fail_next("auth")  # a 401 whose message echoes the key in full
    count(at)
    assert at.number_input(key="plan_prompt").value == 600
    (error,) = [e.value for e in at.error if "could not be counted" in e.value]
    assert KEY not in error


def test_without_a_key_the_button_is_off_and_the_number_is_typed(without_key, fake):
    at = open_page()
    button = at.button(key="plan_count_prompt")
    assert button.disabled
    assert (button.help or "").startswith("No API key: the prompt tokens are the number you type")
    assert "Prompt tokens are typed: no API key" in text_of(at)
    at.text_area(key="plan_prompt_text").input(PROMPT)
    at.number_input(key="plan_prompt").set_value(250)
    run(at)
    assert at.number_input(key="plan_prompt").value == 250
    assert fake.requests == []
