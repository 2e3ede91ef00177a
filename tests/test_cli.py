"""`python -m calc`, run as a user runs it: a subprocess, stdout, stderr and the exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

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


def test_rules_documented_switches_the_multiplier():
    billing = json.loads(run("512x512", "--model", "gpt-5-mini", "--json").stdout)
    documented = json.loads(run("512x512", "--model", "gpt-5-mini", "--rules", "documented",
                                "--json").stdout)
    assert (billing["tokens"], documented["tokens"]) == (308, 415)


def test_model_all_prints_every_model_cheapest_first():
    out = run("1024x1024", "--model", "all", "--json")
    rows = json.loads(out.stdout)
    import calc

    assert {r["model"] for r in rows} == {m.name for m in calc.models()}
    priced = [r["usd"] for r in rows if r["usd"] is not None]
    assert priced == sorted(priced)
    assert rows[-1]["usd"] is None  # unknown prices last
    table = run("1024x1024", "--model", "all").stdout.splitlines()
    assert len(table) == 1 + len(rows)


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
