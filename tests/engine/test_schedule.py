"""How old the catalogue is and what it schedules (docs/metering.md §9.1, §9.5): known answers
written out from the spec's dates (checked 2026-12-03; the shutdowns and replacements of its
§10; gpt-5.6-sol's promotion; gpt-6.2-sol's Ultrafast), never from the code."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

import calc
from calc.engine import clock

D = date.fromisoformat


@pytest.mark.parametrize(("today", "note"), [
    ("2026-12-03", ""),  # the day it was checked
    ("2026-12-04", ""),
    ("2027-01-02", ""),  # 30 days on: still quiet
    ("2027-01-03", "prices checked 2026-12-03, 31 days ago — check OpenAI's pricing page"),
    ("2027-01-17", "prices checked 2026-12-03, 45 days ago — check OpenAI's pricing page"),
])
def test_staleness_on_the_30_day_boundary(today, note):
    assert calc.staleness_note(today) == note
    assert calc.staleness_note(D(today)) == note
    with clock.pinned(today):  # no day given: the clock's
        assert calc.staleness_note() == note


def test_staleness_of_another_catalogue():
    book = replace(calc.catalogue(), checked="2027-01-20")
    assert calc.staleness_note("2027-02-19", book) == ""
    assert calc.staleness_note("2027-02-20", book) == (
        "prices checked 2027-01-20, 31 days ago — check OpenAI's pricing page")


SHUTDOWNS_2026_12_11 = [
    (D("2026-12-11"), "gpt-5-mini shut down → gpt-6.1-terra"),
    (D("2026-12-11"), "gpt-5-nano, o3 shut down"),  # no replacement named
    (D("2026-12-11"), "gpt-5 shut down → gpt-6.1-sol"),
]
SHUTDOWNS_2027_01_14 = [
    (D("2027-01-14"), "gpt-4.1-mini, gpt-4o, gpt-4.1, gpt-4o-mini shut down → gpt-6-luna")]
ULTRAFAST_2027_03_01 = [(D("2027-03-01"), "gpt-6.2-sol Ultrafast 3× → 6×")]
SHUTDOWNS_2027_04_01 = [(D("2027-04-01"), "gpt-5.4-nano, gpt-5.1 shut down")]


def test_the_next_90_days_from_the_edition_day():
    assert list(calc.scheduled_changes("2026-12-03")) == [
        *SHUTDOWNS_2026_12_11, *SHUTDOWNS_2027_01_14, *ULTRAFAST_2027_03_01]


@pytest.mark.parametrize(("start", "days", "expected"), [
    ("2026-12-11", 0, SHUTDOWNS_2026_12_11),  # the first day counts
    ("2026-12-12", 33, SHUTDOWNS_2027_01_14),  # and the last: 2026-12-12 + 33 = 2027-01-14
    ("2026-12-12", 32, []),
    ("2027-01-15", 90, ULTRAFAST_2027_03_01 + SHUTDOWNS_2027_04_01),
    ("2027-04-02", 365, []),
])
def test_the_window_includes_both_ends(start, days, expected):
    assert list(calc.scheduled_changes(start, days)) == expected


def test_price_periods_that_begin_are_changes():
    assert list(calc.scheduled_changes("2026-08-01", 30)) == [
        (D("2026-08-21"), "gpt-5.6-sol input $5.00 → $4.00 per 1M (output $30.00 → $20.00)")]
    # the promotion's end, then that day's shutdowns
    assert list(calc.scheduled_changes("2026-11-25", 7)) == [
        (D("2026-12-01"), "gpt-5.6-sol input $4.00 → $5.00 per 1M (output $20.00 → $30.00)"),
        (D("2026-12-01"), "gpt-image-1.5, gpt-image-1-mini shut down → gpt-image-2.6-sunburst "
                          "or gpt-image-2.6-flare")]


@pytest.mark.today("2026-12-03")
def test_no_start_is_today():
    assert calc.scheduled_changes() == calc.scheduled_changes("2026-12-03")
    assert calc.scheduled_changes(days=8) == tuple(SHUTDOWNS_2026_12_11)
