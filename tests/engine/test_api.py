"""The public API's shape: the Estimate, its outcomes, errors a person can act on, the frame."""

from __future__ import annotations

import dataclasses
import json
import math
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import calc

ROOT = Path(__file__).resolve().parents[2]


def test_an_accepted_estimate_has_the_promised_fields():
    e = calc.estimate(2048, 4096, "gpt-4o-2024-08-06", "high")
    assert (e.model, e.requested_model, e.family) == ("gpt-4o", "gpt-4o-2024-08-06", "tile")
    assert (e.detail, e.effective_detail, e.fidelity, e.rules) == ("high", "high", "low", "billing")
    assert e.original_size == (2048, 4096)
    assert (e.grid.cell, e.grid.cols, e.grid.rows) == (512, 2, 3)
    assert e.grid.covered == (1024, 1536) and e.grid.image == (768, 1536)
    assert (e.base_tokens, e.tile_tokens, e.multiplier, e.fidelity_tokens) == (85, 170, None, 0)
    assert (e.tokens, e.units, e.accepted, e.reason, e.largest_accepted) == \
        (1105, 6, True, None, None)
    assert e.usd == Decimal(1105) * Decimal("2.50") / 1_000_000
    assert e.shutdown == "2027-01-14"
    assert e.status == calc.resolve_model("gpt-4o").status()
    assert all(isinstance(n, calc.Note) for n in e.notes)
    assert {n.kind for n in e.notes} <= {"inferred", "differs", "lifecycle", "boundary", "info"}


def test_estimate_is_frozen():
    e = calc.estimate(10, 10, "gpt-5.4")
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.tokens = 1


def test_a_rejected_estimate():
    # §5, measured: 7952×5304 on gpt-6-sol at auto → 249 × 166 = 41,334 patches
    e = calc.estimate(7952, 5304, "gpt-6-sol")
    assert (e.accepted, e.tokens, e.usd, e.units) == (False, None, None, 41334)
    assert e.reason == "rejected by the API: 41,334 patches > 30,000"
    assert "\n" not in e.reason
    assert e.largest_accepted == (6764, 4512)
    assert (e.grid.cols, e.grid.rows) == (249, 166)
    assert e.effective_detail == "original"
    assert e.status == "active" and e.shutdown is None


def test_tokens_raises_on_a_rejected_image_with_the_patch_count():
    with pytest.raises(calc.ImageRejectedError) as info:
        calc.tokens(7952, 5304, "gpt-5.6")
    error = info.value
    assert isinstance(error, calc.CalcError)
    assert (error.patches, error.limit, error.largest_accepted) == (41334, 30000, (6764, 4512))
    assert "41,334 patches > 30,000" in str(error) and "6764×4512" in str(error)


@pytest.mark.parametrize("args", [
    (1800, 2400, "gpt-4.1-mini", "high"), (1024, 1024, "gpt-image-1", "auto", "high"),
    (4000, 1474, "gpt-4.1-mini"), (5, 5, "gpt-5.4-nano"), (7952, 5304, "gpt-6-sol"),
    (1659, 1659, "gpt-5.4", "high"), (300, 200, "gpt-image-2"), (10, 10, "o1"),
])
def test_estimate_round_trips_through_json(args):
    e = calc.estimate(*args)
    data = json.loads(e.to_json())
    assert data["tokens"] == e.tokens and data["accepted"] == e.accepted
    assert calc.Estimate.from_dict(data) == e


BAD = [
    ((0, 10, "gpt-4o"), {}, calc.InvalidSizeError, "width"),
    ((10, -1, "gpt-4o"), {}, calc.InvalidSizeError, "height"),
    ((10.5, 10, "gpt-4o"), {}, calc.InvalidSizeError, "whole number"),
    (("10", 10, "gpt-4o"), {}, calc.InvalidSizeError, "whole number"),
    ((True, 10, "gpt-4o"), {}, calc.InvalidSizeError, "whole number"),
    ((10, 10, "gpt-4o"), {"detail": "ultra"}, calc.UnsupportedDetailError, "low, high"),
    ((10, 10, "gpt-image-1"), {"detail": "low"}, calc.UnsupportedDetailError, "fidelity"),
    ((10, 10, "gpt-image-2"), {"detail": "low"}, calc.UnsupportedDetailError, "fixed"),
    ((10, 10, "gpt-image-1-mini"), {"fidelity": "high"}, calc.UnsupportedFidelityError, "low"),
    ((10, 10, "gpt-image-1"), {"fidelity": "max"}, calc.UnsupportedFidelityError, "'high'"),
    ((10, 10, "gpt-4o"), {"rules": "vibes"}, calc.UnknownRulesError, "billing"),
    ((10, 10, "gpt-5-pro"), {}, calc.UnknownModelError, "unknown model"),
]


@pytest.mark.parametrize(("args", "kwargs", "error", "message"), BAD)
def test_bad_input_raises_one_error_family(args, kwargs, error, message):
    for fn in (calc.estimate, calc.tokens):
        with pytest.raises(error, match=message) as info:
            fn(*args, **kwargs)
        assert isinstance(info.value, calc.CalcError)


def test_fidelity_on_a_non_image_model_is_ignored_with_a_note():
    e = calc.estimate(1024, 1024, "gpt-4o", fidelity="high")
    assert e.tokens == 765
    assert any("fidelity" in n.text for n in e.notes)


def test_gpt_image_2_says_its_fidelity_is_fixed():
    e = calc.estimate(1024, 1024, "gpt-image-2", fidelity="high")
    assert e.tokens == 1024
    assert any("fidelity" in n.text for n in e.notes)


def test_import_calc_does_not_pull_in_pandas_or_numpy():
    code = "import sys, calc; calc.tokens(10, 10, 'gpt-4o'); " \
           "print('pandas' in sys.modules, 'numpy' in sys.modules, 'PIL' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "False", "False"]


def test_estimate_frame_adds_columns():
    df = pd.DataFrame({"width": [1024, 480, 7952, 6400],
                       "height": [1024, 320, 5304, 4800],
                       "model": ["gpt-4o", "gpt-4.1-mini-2025-04-14", "gpt-6-sol", "gpt-6-sol"],
                       "detail": ["high", None, "auto", "auto"]})
    out = calc.estimate_frame(df)
    assert list(out.columns[:4]) == ["width", "height", "model", "detail"]
    for column in ("tokens", "usd", "accepted", "units", "cell", "cols", "rows",
                   "resized_width", "resized_height"):
        assert column in out.columns
    assert str(out["tokens"].dtype) == "Int64"
    # 765 (§3); 480×320 → 150 patches → 243 (§2); rejected 41,334; 30,000 → 36000
    assert out["tokens"].tolist()[:2] == [765, 243] and out["tokens"][3] == 36000
    assert out["tokens"].isna().tolist() == [False, False, True, False]
    assert out["accepted"].tolist() == [True, True, False, True]
    assert out["units"].tolist() == [4, 150, 41334, 30000]
    assert math.isnan(out["usd"][2])
    assert out["usd"][0] == pytest.approx(765 * 2.50 / 1e6)
    assert out["usd"][3] == pytest.approx(36000 * 2.00 / 1e6)


EDGE = [  # §5 on gpt-6-sol at auto (= original): width, height, patches, tokens (None: rejected)
    (6400, 4800, 30000, 36000),  # 200 × 150
    (608, 50528, 30001, None),  # 19 × 1579
    (608, 50496, 29982, 35979),  # 19 × 1578 → ⌈35978.4⌉
    (7952, 5304, 41334, None),  # measured
]


def test_estimate_frame_on_the_30000_patch_edge():
    df = pd.DataFrame([(w, h) for w, h, _, _ in EDGE], columns=["width", "height"])
    out = calc.estimate_frame(df.assign(model="gpt-6-sol"))
    assert out["units"].tolist() == [p for _, _, p, _ in EDGE]
    assert out["accepted"].tolist() == [t is not None for _, _, _, t in EDGE]
    assert [None if pd.isna(t) else t for t in out["tokens"]] == [t for _, _, _, t in EDGE]


def test_estimate_frame_flags_bad_rows():
    df = pd.DataFrame({"width": [1024, 480], "height": [1024, 320],
                       "model": ["gpt-4o", "gpt-4.1-mini"]})
    with pytest.raises(calc.InvalidSizeError, match="row 1"):
        calc.estimate_frame(df.assign(width=[10, 0]))
    with pytest.raises(calc.UnknownModelError, match="row 0"):
        calc.estimate_frame(df.assign(model=["gpt-5-pro", "gpt-4o"]))
    with pytest.raises(calc.InvalidSizeError, match="whole number"):
        calc.estimate_frame(df.assign(height=[10.5, 3]))
