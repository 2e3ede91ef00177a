"""`python -m calc`, run as a user runs it: a subprocess, stdout, stderr and the exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from tests.known_days import CURRENT_2026_12_11

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "calc", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)


def test_steps_and_total_for_one_size():
    out = run("1800x2400", "--model", "gpt-4.1-mini", "--detail", "high")
    assert out.returncode == 0, out.stderr
    assert "1056×1408" in out.stdout
    assert "33 × 44 = 1,452" in out.stdout
    assert "2,353 tokens" in out.stdout


def test_json_has_tokens():
    out = run("1024x1024", "--model", "gpt-4o", "--json")
    data = json.loads(out.stdout)
    assert data["tokens"] == 765 and data["model"] == "gpt-4o"


def test_rules_documented_switches_the_budget():
    # metering.md §14: gpt-4.1-mini 2400×1800 — billing fits 1,536 patches (2,353 tokens, measured);
    # the current guide's 6,144 budget: fit 2048 → 2048×1536 → 64 × 48 = 3,072 × 1.62 → 4,977
    billing = json.loads(run("2400x1800", "--model", "gpt-4.1-mini", "--json").stdout)
    documented = json.loads(run("2400x1800", "--model", "gpt-4.1-mini", "--rules", "documented",
                                "--json").stdout)
    assert (billing["tokens"], documented["tokens"]) == (2353, 4977)


@pytest.mark.today("2026-12-03")
def test_the_default_model_is_a_current_one():
    data = json.loads(run("1024x1024", "--json").stdout)
    # gpt-5.6-sol, auto = original: 32 × 32 = 1,024 patches × 1.2 = 1,228.8 → 1,229 (metering.md §4)
    assert (data["model"], data["tokens"], data["accepted"]) == ("gpt-5.6-sol", 1229, True)
    assert data["usd"] == "0.006145"  # 1,229 × $5.00 / 1M (from 2026-12-01), exact


@pytest.mark.today("2026-12-11")
def test_model_all_prints_the_current_models_cheapest_first():
    import calc

    rows = json.loads(run("1024x1024", "--model", "all", "--json").stdout)
    assert {r["model"] for r in rows} == CURRENT_2026_12_11
    priced = [Decimal(r["usd"]) for r in rows]
    assert priced == sorted(priced)
    table = run("1024x1024", "--model", "all").stdout.splitlines()
    assert len(table) == 1 + len(rows)
    every = json.loads(run("1024x1024", "--model", "all", "--include-shut-down", "--json").stdout)
    assert {r["model"] for r in every} == {m.name for m in calc.models()}


def test_a_rejected_image_is_an_answer_with_its_ways_out():
    # metering.md §5: 7952×5304 on gpt-6-sol at auto: 249 × 166 = 41,334 patches > 30,000
    out = run("7952x5304", "--model", "gpt-6-sol")
    assert out.returncode == 0, out.stderr
    assert "rejected by the API: 41,334 patches > 30,000" in out.stdout
    assert "6764×4512" in out.stdout  # the largest accepted size of this shape
    data = json.loads(run("7952x5304", "--model", "gpt-6-sol", "--json").stdout)
    assert (data["accepted"], data["tokens"], data["usd"], data["units"]) == (False, None, None,
                                                                               41334)
    assert data["largest_accepted"] == [6764, 4512]


def test_image_files_use_the_header_size_with_exif_orientation(tmp_path):
    rotated = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90°: the model sees 1536 wide, 2048 tall
    Image.new("RGB", (2048, 1536), "white").save(rotated, exif=exif)
    plain = tmp_path / "plain.png"
    Image.new("RGB", (1024, 1024), "white").save(plain)
    out = run(str(rotated), str(plain), "--model", "gpt-4o", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert rows[0]["original_size"] == [1536, 2048]
    # 1536×2048 → short side 768 → 768×1024 → 2×2 tiles = 765; 1024×1024 → 765 as well
    assert [r["tokens"] for r in rows] == [765, 765]
    table = run(str(rotated), str(plain), "--model", "gpt-4o").stdout
    assert "rotated.jpg" in table and "plain.png" in table


def test_a_200_megapixel_file_is_priced_from_its_header(tmp_path):
    from tests.adapters.test_images import png_header_only

    huge = tmp_path / "huge.png"
    huge.write_bytes(png_header_only(20_000, 10_000))  # 200 MP: a size the API resizes
    out = run(str(huge), "--model", "gpt-5.4-mini", "--detail", "high", "--json")
    assert out.returncode == 0, out.stderr
    # fit to 2048: 2048×1024 = 64 × 32 = 2,048 patches (budget 2,500) → ⌈2,048 × 1.2⌉ = 2,458
    assert json.loads(out.stdout)["tokens"] == 2458


@pytest.mark.parametrize(("args", "message"), [
    (["10x0"], "height"),
    (["10x10", "--model", "gpt-9"], "unknown model"),
    (["10x10", "--detail", "ultra"], "invalid choice"),
    (["no-such-file.png"], "no such file"),
    (["10x10", "--model", "gpt-image-1-mini", "--fidelity", "high"], "fidelity"),
])
def test_errors_are_one_line_and_non_zero(args, message):
    out = run(*args)
    assert out.returncode != 0
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1
    assert message in out.stderr.lower()
    assert "Traceback" not in out.stderr


def test_a_text_file_is_refused_clearly(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    out = run(str(text))
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert "notes.txt" in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_a_closed_pipe_is_not_a_traceback():
    # `python -m calc … --model all | head -1`: the reader goes away early.
    proc = subprocess.Popen([sys.executable, "-m", "calc", "1024x1024", "--model", "all"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err


@pytest.mark.parametrize("kind", ["named pipe", "device"])
def test_a_pipe_or_a_device_is_refused_at_once_not_read(tmp_path, kind):
    path = tmp_path / "pipe" if kind == "named pipe" else Path("/dev/zero")
    if kind == "named pipe":
        os.mkfifo(path)  # nobody writes to it: opening it to read would wait for ever
    result = run(str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"calc: {path}: is a {kind}, not an image file\n"
