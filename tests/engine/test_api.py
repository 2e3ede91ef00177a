"""The public API's shape: model lookup, errors a person can act on, JSON, the catalogue as data."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

import calc

ROOT = Path(__file__).resolve().parents[2]

RESOLVE = [
    ("gpt-4.1-mini", "gpt-4.1-mini"),
    ("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini"),
    ("gpt-4.1-2025-04-14", "gpt-4.1"),
    ("gpt-4o-2024-08-06", "gpt-4o"),
    ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
    ("gpt-5-mini-2025-08-07", "gpt-5-mini"),
    ("gpt-5-2025-08-07", "gpt-5"),
    ("gpt-5.4-mini-2026-03-17", "gpt-5.4-mini"),
    ("o1-pro-2025-03-19", "o1-pro"),
    ("o4-mini-2025-04-16", "o4-mini"),
    ("gpt-image-1-mini-2025-10-06", "gpt-image-1-mini"),
    ("GPT-4o", "gpt-4o"),
    (" gpt-4o ", "gpt-4o"),
    ("gpt-4.5", "gpt-4.5-preview"),
]


@pytest.mark.parametrize(("name", "expected"), RESOLVE)
def test_resolve_model_exact_then_longest_prefix(name, expected):
    assert calc.resolve_model(name).name == expected


@pytest.mark.parametrize("name", ["gpt-5.3", "gpt-4.2-mini", "claude", "gpt", "", "gpt-4o mini"])
def test_unknown_models_name_the_closest(name):
    with pytest.raises(calc.UnknownModelError) as info:
        calc.resolve_model(name)
    assert "gpt-" in str(info.value)  # names known models to choose from


def test_unknown_model_suggests_near_names():
    with pytest.raises(calc.UnknownModelError, match="did you mean gpt-4.1-mini"):
        calc.estimate(10, 10, "gpt4.1-mini")


BAD = [
    ((0, 10, "gpt-4o"), {}, calc.InvalidSizeError, "width"),
    ((10, -1, "gpt-4o"), {}, calc.InvalidSizeError, "height"),
    ((10.5, 10, "gpt-4o"), {}, calc.InvalidSizeError, "whole number"),
    (("10", 10, "gpt-4o"), {}, calc.InvalidSizeError, "whole number"),
    ((True, 10, "gpt-4o"), {}, calc.InvalidSizeError, "whole number"),
    ((10, 10, "gpt-4o"), {"detail": "ultra"}, calc.UnsupportedDetailError, "low, high"),
    ((10, 10, "gpt-image-1"), {"detail": "low"}, calc.UnsupportedDetailError, "fidelity"),
    ((10, 10, "gpt-image-1-mini"), {"fidelity": "high"}, calc.UnsupportedFidelityError, "low"),
    ((10, 10, "gpt-image-1"), {"fidelity": "max"}, calc.UnsupportedFidelityError, "'high'"),
    ((10, 10, "gpt-4o"), {"rules": "vibes"}, calc.UnknownRulesError, "billing"),
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


def test_estimate_round_trips_through_json():
    for args in [(1800, 2400, "gpt-4.1-mini", "high"), (1024, 1024, "gpt-image-1", "auto", "high"),
                 (4000, 1474, "gpt-4.1-mini"), (5, 5, "gpt-5.4-nano")]:
        e = calc.estimate(*args)
        data = json.loads(e.to_json())
        assert data["tokens"] == e.tokens
        assert calc.Estimate.from_dict(data) == e


def test_estimate_has_the_promised_fields():
    e = calc.estimate(2048, 4096, "gpt-4o-2024-08-06", "high")
    assert (e.model, e.requested_model, e.family) == ("gpt-4o", "gpt-4o-2024-08-06", "tile")
    assert (e.detail, e.effective_detail, e.fidelity, e.rules) == ("high", "high", "low", "billing")
    assert e.original_size == (2048, 4096)
    assert (e.grid.cell, e.grid.cols, e.grid.rows) == (512, 2, 3)
    assert e.grid.covered == (1024, 1536) and e.grid.image == (768, 1536)
    assert (e.base_tokens, e.tile_tokens, e.multiplier, e.fidelity_tokens) == (85, 170, None, 0)


def test_models_lists_every_spec_model_with_data():
    names = {m.name for m in calc.models()}
    spec = {"gpt-4o", "gpt-4.1", "gpt-4.5-preview", "gpt-4o-mini", "o1", "o1-pro", "o3",
            "computer-use-preview", "gpt-5", "gpt-5-chat-latest", "gpt-4.1-mini", "gpt-4.1-nano",
            "o4-mini", "gpt-5-mini", "gpt-5-nano", "gpt-5.2", "gpt-5.4", "gpt-5.4-mini",
            "gpt-5.4-nano", "gpt-5.5", "gpt-image-1", "gpt-image-1.5", "gpt-image-1-mini"}
    assert spec <= names
    raw = tomllib.loads((ROOT / "calc" / "data" / "catalogue.toml").read_text())
    assert raw["as_of"] and raw["source"]
    assert set(raw["models"]) == names  # the catalogue is the data file, nothing else


def test_import_calc_does_not_pull_in_pandas_or_numpy():
    code = "import sys, calc; calc.tokens(10, 10, 'gpt-4o'); " \
           "print('pandas' in sys.modules, 'numpy' in sys.modules, 'PIL' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "False", "False"]


def test_estimate_frame_adds_columns_and_flags_bad_rows():
    df = pd.DataFrame({"width": [1024, 480], "height": [1024, 320],
                       "model": ["gpt-4o", "gpt-4.1-mini-2025-04-14"], "detail": ["high", None]})
    out = calc.estimate_frame(df)
    assert out["tokens"].tolist() == [765, 243]
    assert out["units"].tolist() == [4, 150]
    assert list(out.columns[:4]) == ["width", "height", "model", "detail"]
    with pytest.raises(calc.InvalidSizeError, match="row 1"):
        calc.estimate_frame(df.assign(width=[10, 0]))
    with pytest.raises(calc.UnknownModelError, match="row 0"):
        calc.estimate_frame(df.assign(model=["nope", "gpt-4o"]))
    with pytest.raises(calc.InvalidSizeError, match="whole number"):
        calc.estimate_frame(df.assign(height=[10.5, 3]))


def test_generation_cost_refuses_unknown_options():
    with pytest.raises(calc.UnknownGenerationOptionError, match="1024x1024"):
        calc.generation_cost("gpt-image-1", "high", "512x512")
    with pytest.raises(calc.UnknownGenerationOptionError, match="medium"):
        calc.generation_cost("gpt-image-1", "ultra", "1024x1024")
    with pytest.raises(calc.UnknownGenerationOptionError, match="does not generate"):
        calc.generation_cost("gpt-4o", "low", "1024x1024")
    with pytest.raises(calc.InvalidSizeError):
        calc.generation_cost("gpt-image-1", "low", "1024x1024", n=0)
