"""`python -m calc request FILE.json` and `python -m calc fit IMAGE -o OUT`, run as a user runs
them: a subprocess (the day pinned through the environment by conftest's `today` fixture),
stdout, stderr, the exit code, the file written.

Known answers: metering.md §5 (7952×5304 on gpt-6-sol at auto: rejected, 41,334 patches; fitted
6764×4512, 212×141 patches → ⌈29,892 × 1.2⌉ = 35,871 tokens at $2.00 / 1M = $0.0717), the
guide's gpt-5.4 1024×1024 high = 1229, the cookbook's "tiktoken is great!" = 6 tokens.
"""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "calc", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, input=stdin)


def png_url(w: int, h: int) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), "white").save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def body(model: str = "gpt-5.4") -> dict:
    return {"model": model, "input": [{"role": "user", "content": [
        {"type": "input_text", "text": "tiktoken is great!"},
        {"type": "input_image", "image_url": png_url(1024, 1024), "detail": "high"},
        {"type": "input_image", "image_url": png_url(7952, 5304)},
        {"type": "input_image", "image_url": "https://example.com/a.png"},
        {"type": "input_image", "file_id": "file-abc"},
    ]}]}


@pytest.fixture
def request_file(tmp_path) -> Path:
    path = tmp_path / "body.json"
    path.write_text(json.dumps(body("gpt-6-sol")))
    return path


@pytest.mark.today("2026-12-03")
def test_request_prints_each_image_the_text_and_the_verdict(request_file):
    out = run("request", str(request_file))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "responses request on gpt-6-sol · Standard · 2026-12-03"
    assert "image 2  input[0].content[2]  7952×5304 PNG · detail auto → original · rejected " \
           "by the API: 41,334 patches > 30,000 — resize it to 6764×4512" in out.stdout
    assert "size unknown: a remote URL, not fetched" in out.stdout
    assert "size unknown: a file uploaded to OpenAI (file-abc)" in out.stdout
    assert "text: 6 tokens" in out.stdout
    assert "about 7 tokens on Responses, 8 on Chat Completions" in out.stdout
    assert lines[-1].startswith("refused: 1 image rejected (image 2)")


@pytest.mark.today("2026-12-03")
def test_request_json_carries_the_request_and_its_images(request_file):
    out = run("request", str(request_file), "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    # 1024×1024 at high on gpt-6-sol: 32 × 32 = 1,024 patches ≤ 2,500 → ⌈1,228.8⌉ = 1,229
    assert {k: d[k] for k in ("image_tokens", "text_tokens", "rejected", "unknown", "accepted",
                              "images")} == {"image_tokens": 1229, "text_tokens": 6,
                                             "rejected": 1, "unknown": 2, "accepted": False,
                                             "images": 4}
    assert Decimal(d["usd"]) == Decimal("0.00247")  # 1,235 × $2.00 / 1M
    assert [i["status"] for i in d["image_list"]] == ["accepted", "rejected", "unknown",
                                                      "unknown"]
    assert d["image_list"][1]["largest_accepted"] == [6764, 4512]


@pytest.mark.today("2026-12-03")
def test_request_from_standard_input_on_a_tier_and_day():
    out = run("request", "-", "--tier", "batch", "--on", "2026-12-03", "--json",
              stdin=json.dumps({"model": "gpt-5.4", "messages": [
                  {"role": "user", "content": "tiktoken is great!"}]}))
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert (d["api"], d["tier"], d["on"], d["text_tokens"]) == ("chat.completions", "batch",
                                                                "2026-12-03", 6)
    assert Decimal(d["usd"]) == Decimal("0.0000075")  # 6 × $2.50 / 1M × ½


@pytest.mark.today("2026-12-03")
def test_request_reads_priority_as_fast():
    out = run("request", "-", "--tier", "priority", "--json",
              stdin=json.dumps({"model": "gpt-5.4", "messages": [
                  {"role": "user", "content": "tiktoken is great!"}]}))
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["tier"] == "fast"
    assert Decimal(d["usd"]) == Decimal("0.00003")  # 6 × $2.50 / 1M × 2 (Fast)


@pytest.mark.parametrize("content, message", [
    ("{oops", "calc request: the request is not JSON: Expecting property name"),
    ("[]", "calc request: the request must be a JSON object"),
    (json.dumps({"model": "gpt-5.4", "input": [{"role": "user", "content": [
        {"type": "input_image", "detail": "low"}]}]}),
     "calc request: input[0].content[0] is an image part without a URL"),
])
def test_request_bad_bodies_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    out = run("request", str(path))
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith(message) and "Traceback" not in out.stderr


def test_request_missing_file_and_bad_options(tmp_path):
    out = run("request", str(tmp_path / "none.json"))
    assert out.returncode == 2 and "none.json: cannot be read" in out.stderr
    out = run("request", "x.json", "--on", "soon")
    assert out.returncode == 2
    assert "calc request: argument --on: 'soon' is not a day: use YYYY-MM-DD" in out.stderr
    out = run("request", "x.json", "--tier", "cheap")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "calc request: argument --tier:" in out.stderr and "standard" in out.stderr


def test_request_fetch_keeps_to_public_addresses(tmp_path):
    # The guarded fetcher refuses 127.0.0.1 before connecting: the image stays unknown, why said
    path = tmp_path / "body.json"
    path.write_text(json.dumps({"model": "gpt-5.4", "input": [{"role": "user", "content": [
        {"type": "input_image", "image_url": "http://127.0.0.1:9/a.png"}]}]}))
    out = run("request", str(path), "--fetch", "--json")
    assert out.returncode == 0, out.stderr
    (image,) = json.loads(out.stdout)["image_list"]
    assert image["status"] == "unknown" and "could not be read" in image["reason"]
    assert "loopback" in image["reason"]


# --- fit -------------------------------------------------------------------------------------


def photo(path: Path, stored: tuple[int, int], fmt: str, orientation: int = 1) -> Path:
    exif = Image.Exif()
    exif[0x0112] = orientation
    Image.new("RGB", stored, "skyblue").save(path, fmt, exif=exif.tobytes())
    return path


@pytest.mark.today("2026-12-03")
def test_fit_writes_the_largest_accepted_size_upright_in_its_own_format(tmp_path):
    # stored 5304×7952 on its side (EXIF 6): the model sees 7952×5304
    src = photo(tmp_path / "photo.jpg", (5304, 7952), "JPEG", orientation=6)
    out = run("fit", str(src), "--model", "gpt-6-sol", "-o", str(tmp_path / "out.jpg"))
    assert out.returncode == 0, out.stderr
    before, after = out.stdout.splitlines()[:2]
    assert before.endswith("7952×5304 · gpt-6-sol · detail auto → original · rejected by the "
                           "API: 41,334 patches > 30,000")
    assert after.endswith("6764×4512 · gpt-6-sol · detail auto → original · 212×141 patches · "
                          "35,871 tokens · $0.0717")
    with Image.open(tmp_path / "out.jpg") as im:
        assert (im.format, im.size) == ("JPEG", (6764, 4512))
        assert im.getexif().get(0x0112) is None  # upright pixels, no orientation left


def test_fit_to_a_budget_and_a_png_stays_png(tmp_path):
    src = photo(tmp_path / "scan.png", (7952, 5304), "PNG")
    out = run("fit", str(src), "--model", "gpt-6-sol", "--max-tokens", "10000",
              "-o", str(tmp_path / "small.png"))
    assert out.returncode == 0, out.stderr
    assert "3552×2369 · gpt-6-sol · detail auto → original · 111×75 patches · 9,990 tokens" \
           in out.stdout
    with Image.open(tmp_path / "small.png") as im:
        assert (im.format, im.size) == ("PNG", (3552, 2369))


def test_fit_errors_are_one_line(tmp_path):
    src = photo(tmp_path / "a.jpg", (400, 300), "JPEG")
    out = run("fit", str(src), "--model", "gpt-4o", "--detail", "low", "--max-tokens", "84",
              "-o", str(tmp_path / "b.jpg"))
    assert out.returncode == 2
    assert out.stderr.strip() == ("calc fit: no size of this shape costs at most 84 tokens on "
                                  "gpt-4o at detail low: the least is 85 tokens (32×24)")
    assert not (tmp_path / "b.jpg").exists()
    out = run("fit", str(src), "-o", str(src))
    assert out.returncode == 2 and "is the image itself" in out.stderr
    out = run("fit", str(tmp_path / "none.jpg"), "-o", str(tmp_path / "c.jpg"))
    assert out.returncode == 2 and "none.jpg: cannot be read" in out.stderr
    (tmp_path / "text.jpg").write_text("not an image")
    out = run("fit", str(tmp_path / "text.jpg"), "-o", str(tmp_path / "c.jpg"))
    assert out.returncode == 2 and "not an image" in out.stderr
    out = run("fit", str(src))
    assert out.returncode == 2 and "-o/--output" in out.stderr
