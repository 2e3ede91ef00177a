"""Timings for whole requests: text tokens offline, `import calc`, a 20-image request body.

Run from the repo root: .venv/bin/python bench/bench_request.py
Targets: a 10,000-word prompt counted well under 50 ms; `import calc` under 100 ms (fresh
interpreter; the encoding is not loaded by it); a 20-photo Responses body (data URLs, ~70 MB of
JSON) estimated in under 200 ms.
"""

from __future__ import annotations

import base64
import io
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

import calc  # noqa: E402
from calc.engine import text_tokens  # noqa: E402

WORDS = 10_000
PHOTOS = 20
RUNS = 7


def timed(fn, repeat: int = RUNS) -> float:
    """Median seconds of `repeat` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def prompt(words: int) -> str:
    """English-like prose with numbers and punctuation (a receipt-reading instruction, repeated
    with variations), exactly `words` words."""
    sentence = ("Read the receipt in the photo and return its date, shop, total and each line "
                "item as JSON; amounts in EUR 12.50 or USD 7, dates like 2026-12-03.")
    vocab = sentence.split(" ")
    return " ".join(f"{vocab[i % len(vocab)]}{'' if i % 17 else str(i)}" for i in range(words))


def photo(seed: int, size: tuple[int, int] = (4032, 3024)) -> bytes:
    """A 12 MP phone-photo-like JPEG (a gradient with noise), stored on its side with EXIF 6."""
    rng = np.random.default_rng(seed)
    w, h = size
    base = np.linspace(0, 255, w, dtype=np.float32)[None, :, None] + np.zeros((h, 1, 3),
                                                                              np.float32)
    noisy = base + rng.normal(0, 10, size=(h, w, 3)).astype(np.float32)
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=85,
                                                                  exif=exif.tobytes())
    return buf.getvalue()


def request_body(photos: list[bytes]) -> dict:
    parts = [{"type": "input_text", "text": "What is on these receipts? Answer in JSON."}]
    parts += [{"type": "input_image", "detail": "auto",
               "image_url": "data:image/jpeg;base64," + base64.b64encode(p).decode()}
              for p in photos]
    return {"model": "gpt-6-sol", "instructions": "You read receipts.",
            "input": [{"role": "user", "content": parts}]}


def import_time() -> float:
    code = "import time; t = time.perf_counter(); import calc; print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 cwd=ROOT, check=True).stdout) for _ in range(RUNS)]
    return statistics.median(runs)


def main() -> None:
    print(f"import calc, fresh interpreter (median of {RUNS}): {import_time() * 1000:.0f} ms "
          "(target < 100 ms)")
    start = time.perf_counter()
    text_tokens.encoding()
    print(f"o200k_base loaded once (decompress, sha256, ranks, tiktoken): "
          f"{(time.perf_counter() - start) * 1000:.0f} ms")
    text = prompt(WORDS)
    n = calc.count_text_tokens(text, "gpt-6-sol")
    seconds = timed(lambda: calc.count_text_tokens(text, "gpt-6-sol"))
    print(f"{WORDS:,}-word prompt ({len(text):,} characters, {n:,} tokens): "
          f"{seconds * 1000:.1f} ms (target well under 50 ms)")

    photos = [photo(seed) for seed in range(PHOTOS)]
    body = request_body(photos)
    as_text = json.dumps(body)
    r = calc.estimate_request(as_text)  # warm: Pillow's plugins and the views imported
    assert r.image_tokens == PHOTOS * 14_364 and r.accepted, r.problems
    print(f"{PHOTOS}-photo Responses body ({len(as_text) / 2**20:,.1f} MB of JSON, "
          f"{r.image_tokens:,} image tokens, {r.text_tokens} text tokens):")
    seconds = timed(lambda: calc.estimate_request(as_text))
    print(f"  as JSON text: {seconds * 1000:.0f} ms (target < 200 ms)")
    seconds = timed(lambda: calc.estimate_request(body))
    print(f"  as a dict:    {seconds * 1000:.0f} ms")
    seconds = timed(lambda: json.loads(as_text))
    print(f"  of which json.loads alone: {seconds * 1000:.0f} ms")


if __name__ == "__main__":
    main()
