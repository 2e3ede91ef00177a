"""`python -m calc plan FILE …`: totals equal independent sums of calc.tokens × the spec's price;
awkward files give the same known totals as on Plan's page; paths that are not files are refused
at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import calc
from calc.__main__ import main
from tests.workload_cases import CASES, MODELS, PRICES, png

ROOT = Path(__file__).resolve().parents[1]

SOL_INPUT = Decimal("5.00")  # metering.md §9.1, gpt-5.6-sol input per 1M from 2026-12-01
LUNA_INPUT = Decimal("0.10")  # gpt-6-luna


def manifest(n: int = 3000):
    rng = np.random.default_rng(1)
    w, h = rng.integers(16, 9000, n), rng.integers(16, 9000, n)
    count = rng.integers(1, 9, n)
    return w, h, count


def expected(w, h, count, model):
    tokens = rejected = images = 0
    for a, b, c in zip(w.tolist(), h.tolist(), count.tolist(), strict=True):
        e = calc.estimate(a, b, model)
        images += c
        if e.accepted:
            tokens += c * e.tokens
        else:
            rejected += c
    return images, tokens, rejected


@pytest.mark.today("2026-12-03")
@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_totals_equal_independent_sums(tmp_path, capsys, kind):
    w, h, count = manifest()
    path = tmp_path / f"m.{kind}"
    if kind == "csv":
        lines = ["width,height,count"] + [f"{a},{b},{c}"
                                          for a, b, c in zip(w, h, count, strict=True)]
        lines += ["abc,10,1", "10,,1", "0,10,1", "10,10,1.5", "10,10,1,ultra", "1,2,3,4,5,6"]
        path.write_text("\n".join(lines) + "\n")
    else:
        pq.write_table(pa.table({"width": w, "height": h, "count": count}), path)
    assert main(["plan", str(path), "--model", "gpt-5.6-sol", "--model", "gpt-6-luna",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    bad = 6 if kind == "csv" else 0
    assert out["rows"] == len(w) + bad and out["bad_rows"] == bad
    for entry, price in zip(out["models"], (SOL_INPUT, LUNA_INPUT), strict=True):
        images, tokens, rejected = expected(w, h, count, entry["model"])
        assert entry == {"model": entry["model"], "images": images, "image_tokens": tokens,
                         "usd": str(Decimal(tokens) * price / 1_000_000), "rejected": rejected}
    assert [m["model"] for m in out["models"]] == ["gpt-5.6-sol", "gpt-6-luna"]
    assert any(m["rejected"] for m in out["models"])  # the sizes reach the 30,000-patch limit


def test_rows_naming_a_model_and_the_text_output(tmp_path, capsys):
    path = tmp_path / "m.csv"
    path.write_text("width,height,count,detail,model\n1024,1024,2,high,\n2048,2048,1,,gpt-4o\n"
                    "5,5,1,,gpt-5-pro\n")
    assert main(["plan", str(path), "--model", "gpt-5.6-sol"]) == 0
    text = capsys.readouterr().out
    assert "gpt-5.6-sol" in text and "2,458" in text  # 2 × 1229
    assert "gpt-4o" in text and "765" in text
    assert "3 rows read, 1 bad rows left out" in text and "gpt-5-pro" in text


def test_a_file_that_is_no_manifest(tmp_path, capsys):
    path = tmp_path / "m.csv"
    path.write_text("a,b\n1,2\n")
    assert main(["plan", str(path), "--model", "gpt-5.6-sol"]) == 2
    assert "no width or height column" in capsys.readouterr().err
    assert main(["plan", str(tmp_path / "none.csv"), "--model", "gpt-5.6-sol"]) == 2


# --- awkward files: the same literals as Plan's page (tests/pages/test_plan_page.py) -------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_awkward_files_give_the_known_totals(case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path(case.name).write_bytes(case.data)
    code = main(["plan", case.name, "--model", MODELS[0], "--model", MODELS[1], "--json"])
    out, err = capsys.readouterr()
    if case.error:
        assert (code, out, err) == (2, "", f"calc plan: {case.error}\n")
        return
    assert code == 0 and err == ""
    got = json.loads(out)
    assert (got["rows"], got["bad_rows"]) == (case.rows, len(case.bad))
    assert [(e["where"].split(" ")[-1], e["reason"]) for e in got["bad_examples"]] == \
        list(case.bad)
    assert got["models"] == [
        {"model": model, "images": case.images, "image_tokens": tokens,
         "usd": str(Decimal(tokens) * Decimal(price) / 1_000_000), "rejected": rejected}
        for model, price, tokens, rejected in zip(MODELS, PRICES, case.tokens, case.rejected,
                                                  strict=True)]


@pytest.mark.parametrize("kind", ["named pipe", "device", "directory"])
def test_a_path_that_is_not_a_file_is_one_line_at_once(tmp_path, kind):
    path = {"named pipe": tmp_path / "pipe", "device": "/dev/zero", "directory": tmp_path}[kind]
    if kind == "named pipe":
        os.mkfifo(path)  # nobody ever writes to it: reading it would wait for ever
    done = subprocess.run([sys.executable, "-m", "calc", "plan", str(path)], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"calc plan: {path} is a {kind}, not a file: name a CSV, Parquet, " \
                          "image or zip file\n"


def test_a_missing_file_and_many_files_at_once(tmp_path, capsys):
    assert main(["plan", str(tmp_path / "none.csv")]) == 2
    assert capsys.readouterr().err == f"calc plan: {tmp_path}/none.csv: No such file or directory\n"
    a, b = tmp_path / "a.csv", tmp_path / "b.png"
    a.write_text("width,height\n1024,1024\nx,1\n")
    b.write_bytes(png(10, 20))
    assert main(["plan", str(a), str(b), "--model", "gpt-6-luna", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert (got["rows"], got["bad_rows"]) == (3, 1)
    assert got["bad_examples"] == [{"where": f"{a}: line 3", "reason": "width is not a number"}]
    assert got["models"][0]["image_tokens"] == 1229 + 2


def test_without_a_model_the_pages_default_models_are_costed(tmp_path, capsys):
    path = tmp_path / "m.csv"
    path.write_text("1024,1024\n")
    assert main(["plan", str(path), "--json"]) == 0
    assert [m["model"] for m in json.loads(capsys.readouterr().out)["models"]] == [
        "gpt-6-luna", "gpt-5.6-luna", "gpt-5.4-mini", "gpt-6-sol", "gpt-5.6-sol", "gpt-6-astra"]
