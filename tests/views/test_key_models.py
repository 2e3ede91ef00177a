"""What a key sees (docs/metering.md §12): GET /v1/models through the real openai client, each
model's shutdown_date beside the catalogue's (§10), unknown ids and differing dates flagged."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calc.adapters import openai_usage as ou
from calc.adapters.openai_usage import ListedModel
from calc.views import verify as vv
from tests.fakes.fake_openai import FakeOpenAI

KEY = "sk-proj-KeyModels0123456789abcdef"
TO_ADD = "the catalogue does not know this id: a model to add"
NOT_A_DATE = "the API's shutdown_date is not a YYYY-MM-DD date"


@pytest.fixture(scope="module")
def listed():
    with FakeOpenAI(keys=(KEY,)) as fake:
        return ou.list_models(ou.make_client(KEY, fake.base_url, timeout=5))


def test_the_list_carries_each_shutdown_date_as_sent(listed):
    by_id = {m.id: m for m in listed}
    assert len(by_id) == len(listed)  # each id once
    assert by_id["gpt-5-mini"] == ListedModel("gpt-5-mini", "2026-12-11", True)
    assert by_id["gpt-4o"] == ListedModel("gpt-4o", "2027-01-15", True)
    assert by_id["gpt-4.1"] == ListedModel("gpt-4.1", None, True)  # null: none announced
    assert by_id["o3"] == ListedModel("o3", "next spring", True)
    assert by_id["gpt-6.1-sol-2026-09-29"] == ListedModel("gpt-6.1-sol-2026-09-29", None, True)
    assert by_id["gpt-4o-mini"] == ListedModel("gpt-4o-mini", None, False)  # left out


# Each id the fake lists, with what the page must show (catalogue dates: docs/metering.md §10).
EXPECTED = [
    # id, catalogue model, API's date as shown, catalogue's date, flag
    ("gpt-5-mini", "gpt-5-mini", "2026-12-11", "2026-12-11", None),
    ("gpt-5-mini-2025-08-07", "gpt-5-mini", "2026-12-11", "2026-12-11", None),
    ("gpt-4o", "gpt-4o", "2027-01-15", "2027-01-14",
     "the API says 2027-01-15, the catalogue 2027-01-14"),
    ("gpt-4.1", "gpt-4.1", "none announced", "2027-01-14",
     "the API says none announced, the catalogue 2027-01-14"),
    ("o3", "o3", "not a date: 'next spring'", "2026-12-11", NOT_A_DATE),
    ("gpt-4o-mini", "gpt-4o-mini", "not given", "2027-01-14", None),
    ("gpt-6.1-sol-2026-09-29", "gpt-6.1-sol", "none announced", None, None),  # dated id resolves
    ("gpt-7-preview", None, "2027-06-30", None, TO_ADD),
    ("text-embedding-3-small", None, "not given", None, TO_ADD),
]


@pytest.mark.parametrize(("model_id", "name", "api", "ours", "flag"), EXPECTED,
                         ids=[e[0] for e in EXPECTED])
def test_each_model_is_held_against_the_catalogue(listed, model_id, name, api, ours, flag):
    [row] = [r for r in vv.key_models(listed) if r.id == model_id]
    assert (row.catalogue_name, row.api_shutdown, row.catalogue_shutdown, row.flag) == \
        (name, api, ours, flag)


def test_known_models_come_first_and_the_notes_name_what_to_check(listed):
    rows = vv.key_models(listed)
    known = [r.catalogue_name is not None for r in rows]
    assert known == sorted(known, reverse=True)
    notes = vv.key_model_notes(rows)
    assert notes == [
        "2 id(s) the catalogue does not know yet (not estimable until added): gpt-7-preview, "
        "text-embedding-3-small",
        "Shutdown dates to check against OpenAI's deprecations page: gpt-4o (the API says "
        "2027-01-15, the catalogue 2027-01-14); gpt-4.1 (the API says none announced, the "
        "catalogue 2027-01-14); o3 (" + NOT_A_DATE + ")",
    ]


@pytest.mark.parametrize(("value", "shown"), [
    ("2027-01-14", "2027-01-14"),
    (None, "none announced"),
    ("2027-02-30", "not a date: '2027-02-30'"),  # no such day
    ("2027-1-14", "not a date: '2027-1-14'"),
    ("20270114", "not a date: '20270114'"),  # fromisoformat would take it: the spec says YYYY-MM-DD
    ("2027-01-14T00:00:00Z", "not a date: '2027-01-14T00:00:00Z'"),
    (20270114, "not a date: 20270114"),
    (True, "not a date: true"),
    ("[x](https://evil.example)" * 9, "not a date: '" + ("[x](https://evil.example)" * 9)[:40]
     + "…'"),
])
def test_a_shutdown_date_is_a_yyyy_mm_dd_day_or_null(value, shown):
    row = vv.key_model(ListedModel("gpt-4o", value, True))
    assert row.api_shutdown == shown
    if shown.startswith("not a date"):
        assert row.flag == NOT_A_DATE


def _canonical_day(text: str) -> bool:
    """True for exactly the YYYY-MM-DD form of a real day."""
    try:
        return date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


API_VALUES = st.one_of(st.none(), st.dates().map(date.isoformat), st.text(max_size=30),
                       st.integers(), st.floats(), st.booleans(),
                       st.lists(st.integers(), max_size=2))


@given(model_id=st.sampled_from(["gpt-4o", "gpt-5-mini-2025-08-07", "gpt-6.1-sol",
                                 "gpt-6.1-sol-2026-09-29", "gpt-9-new", "o3-pro"]),
       value=API_VALUES, present=st.booleans())
def test_any_reply_gives_a_row_and_flags_exactly_the_dates_that_differ(model_id, value,
                                                                       present):
    row = vv.key_model(ListedModel(model_id, value, present))
    if row.catalogue_name is None:
        assert row.flag.startswith(TO_ADD)
        return
    is_day = isinstance(value, str) and _canonical_day(value)
    if not present:
        assert (row.api_shutdown, row.flag) == ("not given", None)
    elif value is None or is_day:
        said = value or None
        assert (row.flag is None) == (said == row.catalogue_shutdown)
    else:
        assert row.flag == NOT_A_DATE
