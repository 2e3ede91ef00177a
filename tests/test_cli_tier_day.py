"""`python -m calc … --tier T --on DATE` (and `plan`): priced on a tier and a day, said in the
JSON; a bad tier or date is one line that says what is allowed. Known answers from the spec."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "calc", *args], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize(("args", "usd", "tier", "day"), [
    # gpt-6.2-sol 1024×1024 auto (= original): 1,229 tokens × $2 / 1M × 3 (Ultrafast to Feb)
    (("--tier", "ultrafast", "--on", "2027-02-28"), "0.007374", "ultrafast", "2027-02-28"),
    (("--tier", "ultrafast", "--on", "2027-03-01"), "0.014748", "ultrafast", "2027-03-01"),
    (("--tier", "priority", "--on", "2026-12-03"), "0.004916", "fast", "2026-12-03"),
])
def test_a_tier_and_a_day_in_the_json(args, usd, tier, day):
    out = run("1024x1024", "--model", "gpt-6.2-sol", "--json", *args)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["usd"], data["tier"], data["priced_on"]) == (usd, tier, day)


def test_gpt_5_6_sol_before_and_after_the_promotion():
    # 1,229 tokens at $4 / 1M on 2026-11-30 and $5 / 1M on 2026-12-01 (metering.md §9.1)
    before = json.loads(run("1024x1024", "--on", "2026-11-30", "--json").stdout)
    after = json.loads(run("1024x1024", "--on", "2026-12-01", "--json").stdout)
    assert (before["model"], before["usd"], after["usd"]) == ("gpt-5.6-sol", "0.004916",
                                                               "0.006145")


@pytest.mark.parametrize(("args", "words"), [
    (("--tier", "weekly"), "use one of standard, batch, flex, fast, ultrafast, background-2h, "
                           "background-8h"),
    (("--on", "2027-02-30"), "is not a day: use YYYY-MM-DD"),
    (("--on", "tomorrow"), "is not a day: use YYYY-MM-DD"),
    (("--model", "gpt-5.4", "--tier", "ultrafast"), "gpt-5.4 does not offer the Ultrafast tier: "
                                                    "it offers Standard, Batch, Flex"),
])
def test_a_bad_tier_or_day_is_one_line(args, words):
    out = run("1024x1024", *args)
    assert out.returncode == 2 and out.stdout == ""
    assert words in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_plan_prices_on_a_tier_and_a_day(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("width,height,count\n1024,1024,10\n")
    out = run("plan", str(path), "--model", "gpt-6.2-sol", "--model", "gpt-5.4", "--tier",
              "ultrafast", "--on", "2027-03-01", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["tier"], data["priced_on"]) == ("ultrafast", "2027-03-01")
    sol, five = data["models"]
    assert (sol["image_tokens"], sol["usd"]) == (12290, "0.14748")  # 12,290 × $2 × 6 / 1M
    assert five["usd"] is None and "does not offer the Ultrafast tier" in five["note"]


def test_a_shut_down_models_replacement_in_the_json():
    data = json.loads(run("1024x1024", "--model", "gpt-4o", "--on", "2026-12-03",
                          "--json").stdout)
    # 1,229 tokens on gpt-6-luna at $0.10 / 1M (auto = original: 32 × 32 patches × 1.2)
    assert data["instead"] == [{"model": "gpt-6-luna", "tokens": 1229, "usd": "0.0001229"}]
