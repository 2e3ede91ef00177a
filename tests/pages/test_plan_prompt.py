"""Plan's "Paste the prompt" / "Count it" under AppTest: counted offline and exactly with
o200k_base, with or without a key, and nothing sent — even with the operator's key and endpoint
set, the fake API on 127.0.0.1 hears nothing.

Known answers: OpenAI's cookbook ("tiktoken is great!" is 6 tokens in o200k_base; "お誕生日おめ
でとう" 8) and "hello world" (2: vocabulary entries 24912 and 2375), joined by line breaks (one
token each between lines ending in a letter); gpt-6-luna's $0.10 per 1M input tokens
(metering.md §9).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from streamlit.testing.v1 import AppTest

import calc
from calc.views.model_choice import DEFAULT_PLAN_MODELS
from tests.fakes.apptest import page, run
from tests.fakes.fake_openai import FakeOpenAI, PatchRule

PAGE = page("plan.py")
KEY = "sk-proj-PlanPromptSecret0123456789abcdef"
FIRST = "gpt-6-luna"  # the first default model
LUNA_INPUT = Fraction(Decimal("0.10"))  # $ per million input tokens (catalogue, metering.md §9)


@pytest.fixture(scope="module")
def server():
    models = {m: PatchRule(1.0, f"{m}-2026-11-01") for m in DEFAULT_PLAN_MODELS}
    with FakeOpenAI(keys=(KEY,), models=models, framing=9) as fake:
        yield fake


@pytest.fixture
def with_key(monkeypatch, server):
    server.reset()
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    return server


@pytest.fixture
def without_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def open_page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.secrets["_isolated_from_real_secrets"] = "yes"
    return run(at)


def luna_text_input(at: AppTest) -> str:
    table = next(d.value for d in at.dataframe if "$ / request" in d.value.columns)
    return table.set_index("model").loc[FIRST, "text input"]


def count(at: AppTest, prompt: str) -> AppTest:
    at.text_area(key="plan_prompt_text").input(prompt)
    at.button(key="plan_count_prompt").click()
    return run(at)


@pytest.mark.today("2026-12-03")
def test_the_count_lands_in_prompt_tokens_and_the_figures_follow(without_key):
    at = open_page()
    assert at.number_input(key="plan_prompt").value == 0
    assert not at.button(key="plan_count_prompt").disabled  # no key needed
    count(at, "tiktoken is great!")
    assert at.number_input(key="plan_prompt").value == 6
    assert luna_text_input(at) == calc.format_usd(6 * LUNA_INPUT / 10**6)
    (caption,) = [c.value for c in at.caption if c.value.startswith("Counted:")]
    assert caption.startswith("Counted: 6 prompt tokens (o200k_base, offline) — now in Prompt "
                              "tokens.")
    assert "about 7 tokens on Responses and 8 on Chat" in caption


@pytest.mark.parametrize("prompt, tokens", [
    ("hello world", 2),
    ("お誕生日おめでとう\nhello world\ntiktoken is great!", 18),  # 8 + 1 + 2 + 1 + 6
])
def test_mixed_scripts_are_counted_exactly(without_key, prompt, tokens):
    assert count(open_page(), prompt).number_input(key="plan_prompt").value == tokens


def test_with_a_key_nothing_is_sent(with_key):
    at = count(open_page(), "tiktoken is great!")
    assert at.number_input(key="plan_prompt").value == 6
    assert with_key.requests == []


def test_an_empty_prompt_keeps_the_typed_number(without_key):
    at = open_page()
    at.number_input(key="plan_prompt").set_value(600)
    run(at)
    count(at, "  \n ")
    assert at.number_input(key="plan_prompt").value == 600
    (error,) = [e.value for e in at.error if "could not be counted" in e.value]
    assert "there is no prompt to count: paste it first" in error.replace("\\", "")  # inert
