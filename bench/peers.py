"""Patchwork's `calc.tokens` against the image-token libraries on PyPI.

Run from the repo root with the bench-only virtualenv (made by bench/setup_peers.sh):

    .venv-bench/bin/python bench/peers.py

For every case below (the spec's measurements and worked examples, edition 2026-12-01, as written
up in docs/metering.md; copied here from the spec's text, never from calc's output) it asks each
library for the image tokens, counts the exact answers, and times each library against Patchwork
on the same cases. It prints a Markdown report and writes it to bench/peers_table.md.

A rejected image (over 30,000 patches: the API answers HTTP 400) has no token count: a library
that raises or returns None there "rejects" and is exact; one that returns a number is wrong.

No network at run time: every socket connect and DNS lookup is refused (and reported) before any
peer is imported; peers that want an image get one made here with Pillow, beforehand.
"""

from __future__ import annotations

import base64
import io
import os
import platform
import socket
import sys
import tempfile
import timeit
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "peers_table.md"
ROUNDS = 3  # alternating timing rounds per peer

# litellm fetches its model-cost map from the internet on import unless told not to.
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
os.environ.setdefault("LITELLM_TELEMETRY", "False")
# image-token creates a cache folder (default ~/.image_cache) when imported: keep it in a temp dir.
_TMP = tempfile.TemporaryDirectory(prefix="patchwork-peers-")
os.environ["IMAGE_CACHE_DIR"] = str(Path(_TMP.name) / "image_cache")

# ---------------------------------------------------------------------------------------------
# No network: refuse and record every attempt.
NETWORK_ATTEMPTS: list[str] = []


def _refuse(what: str) -> Callable[..., Any]:
    def refused(*args: Any, **kwargs: Any) -> Any:
        NETWORK_ATTEMPTS.append(f"{what}{args[1:2] if what.startswith('socket.') else args[:1]}")
        raise OSError(f"network disabled by bench/peers.py ({what})")
    return refused


socket.socket.connect = _refuse("socket.connect")  # type: ignore[method-assign]
socket.socket.connect_ex = _refuse("socket.connect_ex")  # type: ignore[method-assign]
socket.create_connection = _refuse("create_connection")  # type: ignore[assignment]
socket.getaddrinfo = _refuse("getaddrinfo")  # type: ignore[assignment]


# ---------------------------------------------------------------------------------------------
# The cases: known answers from the spec's text (edition 2026-12-01). Each expected number is
# the spec's; where the spec gives the steps rather than the final count, the arithmetic is here.
REJECTED = None  # expected value of a case the API rejects (HTTP 400, over 30,000 patches)


@dataclass(frozen=True)
class Case:
    id: str
    model: str
    width: int
    height: int
    detail: str | None  # None: detail does not apply (gpt-image-1); each library gets its default
    expected: int | None  # None = REJECTED
    source: str


CASES: list[Case] = [
    # The spec's measurements (real API usage).
    Case("M1", "gpt-4o", 1, 1, "high", 255, "measured: no upscaling (85 + 1 tile)"),
    Case("M2", "gpt-4o", 1, 1, "auto", 255, "measured: auto = high"),
    Case("M3", "gpt-4o", 1, 1, "low", 85, "measured: low = base"),
    # 2049x513 -> fit 2048: 513*2048/2049 = 512.75 -> 513 -> 4x2 tiles -> 85 + 8*170 = 1445
    Case("M4", "gpt-4.1", 2049, 513, "high", 1445, "measured: fit rounds half up (8 tiles)"),
    # 2050x513 -> 512.4995 -> 512 -> 4x1 tiles -> 85 + 4*170 = 765
    Case("M5", "gpt-4.1", 2050, 513, "high", 765, "measured: fit rounds half up (4 tiles)"),
    # fit 2048: 1474*2048/4000 = 754.7 -> 755 -> 64x24 = 1536 patches -> ceil(1536*1.62) = 2489
    Case("M6", "gpt-4.1-mini", 4000, 1474, "high", 2489, "measured: patch models fit to 2048"),
    # fit 2048 -> 2048x1536 = 3072 patches -> shrink(1536) -> 1408x1056 = 44x33 = 1452
    # -> ceil(1452*1.62) = ceil(2352.24) = 2353
    Case("M7", "gpt-4.1-mini", 2400, 1800, "high", 2353, "measured: a 1,536 budget (2025)"),
    # 4x2 = 8 patches -> ceil(8*1.62) = ceil(12.96) = 13
    Case("M8", "gpt-4.1-mini", 128, 64, "low", 13, "measured: low = high on a 1,536 model"),
    Case("M9", "gpt-4.1-mini", 128, 64, "high", 13, "measured"),
    # 16x16 = 256 patches -> ceil(256*1.2) = ceil(307.2) = 308
    Case("M10", "gpt-5-mini", 512, 512, "high", 308, "measured: x1.2, rounded up"),
    # 64x24 = 1536 patches -> ceil(1536*1.2) = ceil(1843.2) = 1844
    Case("M11", "gpt-5-mini", 2048, 768, "high", 1844, "measured: x1.2 at the full budget"),
    # shrink(1536) -> 1248x1248 = 39x39 = 1521 patches -> ceil(1521*1.2) = ceil(1825.2) = 1826
    Case("M12", "gpt-5-mini", 1600, 1600, "high", 1826, "measured: shrink to 1248x1248"),
    # the same 1521 patches -> ceil(1521*1.5) = ceil(2281.5) = 2282
    Case("M13", "gpt-5-nano", 1600, 1600, "high", 2282, "measured: 1521 x 1.5"),
    # 50x50 = 2500 patches, within the 2,500 budget -> 2500*1.2 = 3000
    Case("M14", "gpt-5.4", 1600, 1600, "high", 3000, "measured: 2,500 patches x 1.2"),
    Case("M15", "gpt-5.4-mini", 1600, 1600, "high", 3000, "measured: 2,500 patches x 1.2"),
    Case("M16", "gpt-5.4-nano", 1600, 1600, "high", 3000, "measured: 2,500 patches x 1.2"),
    # auto = original (65535 / no budget): 249x166 = 41,334 patches > 30,000 -> HTTP 400
    Case("M17", "gpt-5.6-sol", 7952, 5304, "auto", REJECTED, "measured: rejected, 41,334 patches"),
    Case("M18", "gpt-6-sol", 7952, 5304, "auto", REJECTED, "measured: rejected, 41,334 patches"),
    # short side to 512, long side rounded down: 512x512 -> 1 tile -> 65 + 129 = 194
    Case("M19", "gpt-image-1", 1024, 1025, None, 194, "measured: short side to 512 rounds down"),
    Case("M20", "gpt-image-1", 1023, 1024, None, 194, "measured: same"),
    # short side 512 kept: 512x513 -> 2 tiles -> 65 + 2*129 = 323
    Case("M21", "gpt-image-1", 512, 513, None, 323, "measured: short side <= 512 kept"),
    # The guide's worked examples, as the spec gives them.
    Case("G1", "gpt-4o", 1024, 1024, "high", 765, "guide: 768x768, 4 tiles"),
    Case("G2", "gpt-4o", 2048, 4096, "high", 1105, "guide: 768x1536, 6 tiles"),
    Case("G3", "gpt-4o", 4096, 8192, "low", 85, "guide: low = base"),
    # 32x32 = 1024 patches -> ceil(1024*1.2) = ceil(1228.8) = 1229
    Case("G4", "gpt-5.4", 1024, 1024, "high", 1229, "guide: 1024 patches x 1.2"),
    # 4096 patches -> shrink(2500) -> 1600x1600 = 2500 patches -> 3000
    Case("G5", "gpt-5.4", 2048, 2048, "high", 3000, "guide: shrink to 1600x1600"),
    Case("G6", "gpt-6-astra", 2048, 2048, "high", 3000, "guide: shrink to 1600x1600"),
    # the 2025 guide's example on a 1,536-patch model: 1800x2400 -> 1056x1408 = 33x44 = 1452
    # patches; gpt-5-mini (x1.2): ceil(1452*1.2) = ceil(1742.4) = 1743
    Case("G7", "gpt-5-mini", 1800, 2400, "high", 1743, "guide (2025): 1452 patches x 1.2"),
    # Knife edges: B*w/h a perfect square; exact arithmetic, not floats.
    # 2500*1659/1659 = 2500 = 50^2 -> 1600x1600 = 50x50 = 2500 patches -> 3000 (floats: 2882)
    Case("K1", "gpt-5.4", 1659, 1659, "high", 3000, "knife edge: exact 50x50 patches"),
    # 49x33 = 1617 > 1536; 1536*1560/1040 = 2304 = 48^2, 1536*1040/1560 = 1024 = 32^2
    # -> 1536x1024 = 48x32 = 1536 patches -> ceil(1536*1.62) = ceil(2488.32) = 2489 (floats: 2361)
    Case("K2", "gpt-4.1-mini", 1560, 1040, "high", 2489, "knife edge: exact 48x32 patches"),
]


# ---------------------------------------------------------------------------------------------
# Images for the peers that read a file or a data URL; made once, before any timing.
_PNG: dict[tuple[int, int], bytes] = {}


def png_bytes(w: int, h: int) -> bytes:
    if (w, h) not in _PNG:
        from PIL import Image

        buf = io.BytesIO()
        Image.new("1", (w, h), 0).save(buf, format="PNG")  # 1-bit black: small even at 4096x8192
        _PNG[(w, h)] = buf.getvalue()
    return _PNG[(w, h)]


def png_file(w: int, h: int) -> str:
    path = Path(_TMP.name) / f"{w}x{h}.png"
    if not path.exists():
        path.write_bytes(png_bytes(w, h))
    return str(path)


def png_data_url(w: int, h: int) -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes(w, h)).decode("ascii")


# ---------------------------------------------------------------------------------------------
# Adapters. Each `prepare(case)` returns a call (function, args, kwargs) with every input made
# beforehand, or raises NotAnswerable when the library has no way to ask that question.
# `read(result)` turns the library's return value into the token count.
class NotAnswerable(Exception):
    pass


Call = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]


@dataclass
class Peer:
    name: str
    dist: str | None  # PyPI distribution name, for the version
    api: str
    load: Callable[[], Any]  # imports the library; returns a namespace for prepare
    prepare: Callable[[Any, Case], Call]
    read: Callable[[Any], int] = int
    needs_image: bool = False


def _patchwork_load() -> Any:
    import calc

    return calc


def _patchwork_prepare(calc: Any, c: Case) -> Call:
    kwargs = {"detail": c.detail or "auto", "fidelity": "low"}
    return calc.tokens, (c.width, c.height, c.model), kwargs


def _ovc_load() -> Any:
    import openai_vision_cost

    return openai_vision_cost


def _ovc_prepare(ovc: Any, c: Case) -> Call:
    if not ovc.is_model_supported(c.model):
        raise NotAnswerable("model not supported")
    if c.detail == "auto":
        raise NotAnswerable("detail is 'high' or 'low' only")
    return ovc.calculate_tokens_only, (c.width, c.height, c.model, c.detail or "high"), {}


def _image_token_load() -> Any:
    import image_token
    from image_token.models.openai_helper import OpenAiModel
    from image_token.utils import config

    return image_token, config, OpenAiModel()


def _image_token_check(config: Any, c: Case) -> None:
    if c.model not in config.patch_models and c.model not in config.tile_models:
        raise NotAnswerable("model not supported")
    if c.detail == "low":
        raise NotAnswerable("no detail parameter (always high)")


def _image_token_prepare(ns: Any, c: Case) -> Call:
    _, config, model = ns
    _image_token_check(config, c)
    # prefix_tokens=0: by default it adds 9 tokens of message framing to each image.
    return model.calculate_image_tokens, (), {
        "model_name": c.model, "width": c.width, "height": c.height, "prefix_tokens": 0}


def _image_token_file_prepare(ns: Any, c: Case) -> Call:
    image_token, config, _ = ns
    _image_token_check(config, c)
    return image_token.get_token, (c.model, png_file(c.width, c.height)), {"prefix_tokens": 0}


def _pictoken_load() -> Any:
    import pictoken

    return pictoken


def _pictoken_prepare(pt: Any, c: Case) -> Call:
    try:
        model = pt.Model(c.model)
    except ValueError:
        raise NotAnswerable("model not supported") from None
    detail = pt.ImageDetail(c.detail) if c.detail else pt.ImageDetail.AUTO
    return pt.calculate_image_tokens_by_image_dimensions, (c.width, c.height, model, detail), {}


def _oitc_load() -> Any:
    import openai_image_token_counter as oitc

    return oitc, oitc.OpenAIImageTokenCalculator()


def _oitc_prepare(ns: Any, c: Case) -> Call:
    oitc, calculator = ns
    try:
        model = oitc.ModelType(c.model)
    except ValueError:
        raise NotAnswerable("model not supported") from None
    if c.detail == "auto":
        raise NotAnswerable("detail is LOW or HIGH only")
    detail = oitc.DetailLevel(c.detail) if c.detail else oitc.DetailLevel.HIGH
    args = (c.width, c.height, model, detail, oitc.FidelityLevel.LOW)
    return calculator.calculate_tokens, args, {}


def _litellm_load() -> Any:
    from litellm.litellm_core_utils import token_counter

    return token_counter


def _litellm_prepare(tc: Any, c: Case) -> Call:
    # What litellm.token_counter counts for an image_url block, for any model: base 85, tile 170.
    return tc.calculate_img_tokens, (png_data_url(c.width, c.height),), {"mode": c.detail or "auto"}


PEERS: list[Peer] = [
    Peer("Patchwork (calc.tokens)", None, "`calc.tokens(w, h, model, detail, fidelity)`",
         _patchwork_load, _patchwork_prepare),
    Peer("openai-vision-cost", "openai-vision-cost",
         "`calculate_tokens_only(w, h, model, detail)['text_tokens']`",
         _ovc_load, _ovc_prepare, read=lambda r: r["text_tokens"]),
    Peer("image-token", "image-token",
         "`OpenAiModel().calculate_image_tokens(model, w, h, prefix_tokens=0)`",
         _image_token_load, _image_token_prepare),
    Peer("image-token (file)", "image-token",
         "`get_token(model, path, prefix_tokens=0)`, temp PNG made with Pillow",
         _image_token_load, _image_token_file_prepare, needs_image=True),
    Peer("pictoken", "pictoken",
         "`calculate_image_tokens_by_image_dimensions(w, h, Model, ImageDetail).total_tokens`",
         _pictoken_load, _pictoken_prepare, read=lambda r: r.total_tokens),
    Peer("openai-image-token-counter", "openai-image-token-counter",
         "`OpenAIImageTokenCalculator().calculate_tokens(w, h, ModelType, DetailLevel, "
         "FidelityLevel)`",
         _oitc_load, _oitc_prepare),
    Peer("litellm", "litellm",
         "`litellm_core_utils.token_counter.calculate_img_tokens(data_url, mode=detail)`, "
         "PNG data URL made with Pillow (model-agnostic)",
         _litellm_load, _litellm_prepare, needs_image=True),
]


# Why the peers differ, read from each one's installed source. Shown only for the version read.
NOTES: dict[tuple[str, str], list[str]] = {
    ("openai-vision-cost", "1.0.0"): [
        "Tile models: the fit to 2048 truncates (`int`) instead of rounding half up, so "
        "2049×513 keeps 4 tiles (765; billed 1445). No upscaling; gpt-image-1 short side 512:"
        " right.",
        "Patch models: `detail` is ignored; no fit of the long side to 2048; the shrink step "
        "floors the width in patches and scales the height from it (not the guide's min of "
        "both), so 4000×1474 is 1472 patches, 2400×1800 → 2405 and the knife edge "
        "1560×1040 → 2410; the multiplier is `int(patches × float)`, a floor: 128×64 → 12 "
        "(8 × 1.62 = 12.96).",
        "No gpt-5 family or later (gpt-5.4, gpt-5.6, gpt-6 are n/a), so no rejection either; "
        "`detail='auto'` is refused.",
    ],
    ("image-token", "0.1.6"): [
        "The public `get_token(model, path)` wants a file, folder or URL (a URL is "
        "downloaded); the size-based method is `OpenAiModel().calculate_image_tokens`. Both "
        "add 9 'prefix' tokens of message framing per image unless `prefix_tokens=0` (used "
        "here).",
        "No `detail` parameter (always high), no gpt-image models, nothing after the gpt-5 "
        "family (gpt-5.4, gpt-5.6, gpt-6 are n/a).",
        "Tile models: the fit to 2048 stays in floats, so 2050×513 → 2048×512.4995 spans 2 "
        "tile rows (1445; billed 765); 2049×513 comes out right for the same reason.",
        "Patch models: no fit to 2048; the shrink step floors each axis on its own (the guide"
        " takes the min), so 2400×1800 is 45×33 = 1485 patches → 2405 on gpt-4.1-mini and "
        "1800×2400 → 1782 on gpt-5-mini; the multiplier is floored (`int`): 128×64 → 12, "
        "gpt-5-mini 512×512 → 307, 1600×1600 → 1825, gpt-5-nano 1600×1600 → 2281 (its ×1.2 "
        "and ×1.5 are right, the rounding is not).",
        "With a file (`get_token`) each estimate opens the image with Pillow.",
    ],
    ("pictoken", "0.1.0"): [
        "Only gpt-4o, gpt-4o-mini and gpt-4-turbo (a `Model` enum): every other case is n/a.",
        "Portrait images are not shrunk to 768: the code sets width = 768 and then computes "
        "the height from the new width (768 / 768 × h), so 2048×4096 → 768×2048 = 8 tiles → "
        "1445 (guide: 1105). Landscape and square images are right; auto = high and no "
        "upscaling: right.",
    ],
    ("openai-image-token-counter", "1.0.0"): [
        "Tile models: the short side is scaled to exactly 768 even upward (`if shortest_side "
        "!= 768`): 1×1 → 765, 2049×513 and 2050×513 → 3072×768 → 2125. gpt-image-1 uses 768 "
        "instead of 512, upscaled too: 581 for all three sizes. `DetailLevel` has no AUTO "
        "(and a plain string 'low' instead of the enum is silently counted as high).",
        "Patch models: `detail` ignored; no fit to 2048; resized sides are snapped down to "
        "multiples of 32 (4000×1474 → 1426 patches → 2310); the multiplier is floored (128×64"
        " → 12, 2400×1800 → 1452 patches → 2352); gpt-5-mini and gpt-5-nano at the 2025 "
        "guide's ×1.62 and ×2.46 instead of the billed ×1.2 and ×1.5 (512×512 → 414, 1600×1600 "
        "→ 1444 patches → 2339 and 3552). No gpt-5.4 family or later (n/a).",
    ],
    ("litellm", "1.106.2"): [
        "`token_counter` prices every image_url block with `calculate_img_tokens(url, "
        "mode=detail)` at the default base 85 / tile 170, whatever the model: gpt-4.1-mini, "
        "gpt-5-mini and gpt-image-1 get gpt-4o numbers (checked: token_counter with and "
        "without the image differs by exactly this function's answer).",
        "`detail='auto'` (and no detail) is counted as low: 85 (billed as high: 255 for 1×1).",
        "High detail: no fit to 2048; once either side is over 768 the short side is set to "
        "768, upward too, and the long side capped at 2000: 2049×513 → 2000×500 → 4 tiles "
        "(765).",
        "No rejection: 7952×5304 at `auto` (rejected by the API) is counted as low, 85.",
        "It reads the size from the image header in a data URL; an http(s) URL is downloaded,"
        " and an unreadable image counts as 300×300. Importing it fetches a model-cost map "
        "from the internet unless LITELLM_LOCAL_MODEL_COST_MAP=True (set here).",
    ],
}


# ---------------------------------------------------------------------------------------------
@dataclass
class Result:
    peer: Peer
    version: str
    load_error: str | None
    answers: dict[str, int | str]  # case id -> tokens, REJECTS, "n/a: why" or "error: ..."
    calls: dict[str, Call]  # answered case id -> prepared call
    per_estimate: float | None = None  # seconds
    patchwork_same: float | None = None  # Patchwork's seconds per estimate on the same cases
    rejections: dict[str, str] = field(default_factory=dict)  # case id -> how it signalled it


REJECTS = "rejects"  # the answer of a library that raises or returns None (no token count)


def is_exact(answer: int | str, c: Case) -> bool:
    return answer == (REJECTS if c.expected is REJECTED else c.expected)


def is_wrong(answer: int | str, c: Case) -> bool:
    """A token count that is not the known one (a number for a rejected image is wrong)."""
    return (isinstance(answer, int) or answer == REJECTS) and not is_exact(answer, c)


def version_of(peer: Peer) -> str:
    if peer.dist is None:
        return "this repo"
    try:
        return metadata.version(peer.dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def ask(peer: Peer) -> Result:
    res = Result(peer, version_of(peer), None, {}, {})
    try:
        ns = peer.load()
    except Exception as e:  # a broken peer must not stop the run
        res.load_error = f"error: {type(e).__name__}: {e}"
        return res
    for c in CASES:
        try:
            call = peer.prepare(ns, c)
        except NotAnswerable as e:
            res.answers[c.id] = f"n/a: {e}"
            continue
        except Exception as e:
            res.answers[c.id] = f"error: {type(e).__name__}: {e}"
            continue
        f, a, k = call
        try:
            raw = f(*a, **k)
        except Exception as e:
            if c.expected is REJECTED:  # raising is how a library can say "the API rejects this"
                res.answers[c.id] = REJECTS
                res.rejections[c.id] = f"raises {type(e).__name__}: {str(e)[:100]}"
                res.calls[c.id] = call
            else:
                res.answers[c.id] = f"error: {type(e).__name__}: {str(e)[:80]}"
            continue
        if raw is None:
            res.answers[c.id] = REJECTS
            res.rejections[c.id] = "returns None"
            res.calls[c.id] = call
            continue
        try:
            value = peer.read(raw)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"returned {value!r}, not an int")
            res.answers[c.id] = value
            res.calls[c.id] = call
        except Exception as e:
            res.answers[c.id] = f"error: {type(e).__name__}: {str(e)[:80]}"
    return res


def seconds_per_call(calls: list[Call], repeat: int = 5) -> float:
    """Best of `repeat` timeit runs, each looping over the whole case list many times."""
    def run() -> None:
        for f, a, k in calls:
            # A rejected image: raising is the answer, timed like any other. A plain try costs
            # nothing when nothing is raised; contextlib.suppress would add to every call.
            try:  # noqa: SIM105
                f(*a, **k)
            except Exception:
                pass

    timer = timeit.Timer(run)
    number, _ = timer.autorange()  # enough loops for >= 0.2 s
    number = max(number, 1)
    best = min(timer.repeat(repeat=repeat, number=number))
    return best / (number * len(calls))


def fmt_time(s: float | None) -> str:
    if s is None:
        return "–"
    return f"{s * 1e6:.1f} µs" if s >= 1e-6 else f"{s * 1e9:.0f} ns"


def report(results: list[Result]) -> str:
    n = len(CASES)
    lines = [
        "# Patchwork against the image-token libraries on PyPI",
        "",
        f"{n} cases from the metering spec, edition 2026-12-01 (written up in "
        "[`docs/metering.md`](../docs/metering.md)): the spec's measurements of real API usage "
        "(M*), the worked examples of OpenAI's guide (G*) and the knife-edge sizes where exact "
        "and floating-point arithmetic differ by a row of patches (K*). *Exact* counts answers "
        "equal to the known image tokens; on the two images the API rejects (M17, M18: 41,334 "
        "patches > 30,000) a library is exact only if it signals the rejection (raises or "
        "returns None), and a number there is wrong. *n/a* are cases the library has no way to "
        "ask (model or detail level it lacks). "
        "Time: mean per estimate over the cases the library answers (inputs and images prepared "
        "beforehand; best of 5 `timeit` runs, each looping over the case list many times); "
        "*vs Patchwork* divides by Patchwork's `calc.tokens` time on the same cases, the two "
        f"timed alternately {ROUNDS} times, best of each. Times are from one run on a shared "
        "2-core machine: ratios move by some tens of percent from run to run.",
        "",
        "| library | version | exact | wrong | n/a | time / estimate | vs Patchwork | API used |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        if r.load_error:
            lines.append(f"| {r.peer.name} | {r.version} | {r.load_error} | | | | | {r.peer.api} |")
            continue
        exact = [c.id for c in CASES if is_exact(r.answers[c.id], c)]
        na = [c.id for c in CASES if str(r.answers[c.id]).startswith("n/a")]
        err = [c.id for c in CASES if str(r.answers[c.id]).startswith("error")]
        wrong = [c.id for c in CASES if is_wrong(r.answers[c.id], c)]
        ratio = (f"{r.per_estimate / r.patchwork_same:.2f}×"
                 if r.per_estimate and r.patchwork_same else "–")
        na_text = f"{len(na)} ({', '.join(na)})" if na else "0"
        wrong_text = f"{len(wrong)} ({', '.join(wrong)})" if wrong else "0"
        if err:
            wrong_text += f"; errors: {len(err)} ({', '.join(err)})"
        lines.append(f"| {r.peer.name} | {r.version} | **{len(exact)}/{n}** | {wrong_text} | "
                     f"{na_text} | {fmt_time(r.per_estimate)} | {ratio} | {r.peer.api} |")

    lines += ["", "Answers per case (✓ = exact; otherwise the library's answer):", ""]
    ok = [r for r in results if not r.load_error]
    names = " | ".join(r.peer.name for r in ok)
    lines.append(f"| case | model | size | detail | known | {names} |")
    lines.append("|---|---|---|---|---|" + "---|" * len(ok))
    for c in CASES:
        cells = []
        for r in ok:
            a = r.answers[c.id]
            if is_exact(a, c):
                cells.append("✓")
            else:
                cells.append("n/a" if str(a).startswith("n/a") else str(a))
        known = "rejected" if c.expected is REJECTED else c.expected
        lines.append(f"| {c.id} | {c.model} | {c.width}×{c.height} | "
                     f"{c.detail or '– (fidelity low)'} | {known} | "
                     + " | ".join(cells) + " |")

    rejections = [(r.peer.name, cid, how) for r in ok for cid, how in r.rejections.items()]
    if rejections:
        lines += ["", "How each library signalled a rejection:", ""]
        lines += [f"- {p} {cid}: {how}" for p, cid, how in rejections]
    errors = [(r.peer.name, c.id, r.answers[c.id]) for r in ok for c in CASES
              if str(r.answers[c.id]).startswith("error")]
    if errors:
        lines += ["", "Errors:", ""] + [f"- {p} {cid}: {msg}" for p, cid, msg in errors]
    notes = [(r, NOTES.get((r.peer.dist or "", r.version))) for r in results]
    notes = [(r, n) for r, n in notes if n and r.peer.name == r.peer.dist]
    if notes:
        lines += ["", "Why they differ (read from each library's source, versions above):", ""]
        for r, n in notes:
            lines.append(f"- **{r.peer.name}**: " + " ".join(n))
    lines += [
        "",
        f"Run: `.venv-bench/bin/python bench/peers.py` (bench/setup_peers.sh makes the venv); "
        f"Python {platform.python_version()} on {platform.machine()}; "
        f"network attempts during the run: {len(NETWORK_ATTEMPTS)} "
        "(the script refuses every socket connect and DNS lookup).",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    results = [ask(p) for p in PEERS]
    base = results[0]
    if base.load_error:
        print(f"Patchwork's calc could not be imported: {base.load_error}", file=sys.stderr)
        return 1
    for r in results:
        if r.load_error or not r.calls:
            continue
        ids = list(r.calls)
        mine = [r.calls[i] for i in ids]
        same = [base.calls[i] for i in ids if i in base.calls]
        if r is base or len(same) != len(ids):
            r.per_estimate = seconds_per_call(mine)
            continue
        # Alternate the peer and Patchwork on the same cases, keep each one's best: the ratio
        # then holds up against the machine's noise better than two far-apart measurements.
        peer_t, pw_t = [], []
        for _ in range(ROUNDS):
            peer_t.append(seconds_per_call(mine))
            pw_t.append(seconds_per_call(same))
        r.per_estimate, r.patchwork_same = min(peer_t), min(pw_t)
    base.patchwork_same = base.per_estimate
    text = report(results)
    print(text, end="")
    OUT.write_text(text, encoding="utf-8")
    print(f"\nwrote {OUT}", file=sys.stderr)
    if NETWORK_ATTEMPTS:
        print("network attempts (refused): " + "; ".join(NETWORK_ATTEMPTS), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
