"""Paste a request (pages/request.py): the request as the model will see it, worked out here so
the page only renders. And `estimate_request` wired to the real adapters: the header probe
(Pillow reads headers only) and, where asked, the guarded fetcher (public addresses only, every
rule of calc/adapters/url_fetch.py).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from calc.adapters import images
from calc.engine import request as rq
from calc.engine.catalogue import catalogue
from calc.engine.errors import CalcError
from calc.engine.pricing import format_usd, offers, tier_label
from calc.views.explore_overlay import overlay
from calc.views.image_input import fetch_public
from calc.views.labels import Metric, format_tokens
from calc.views.markup import log_bars, overlay_html, table_html
from calc.views.model_choice import badge, model_names
from calc.views.samples import SAMPLES_DIR

THUMB_SIDE = 320  # a thumbnail's long side, in preview pixels
MAX_CARDS = 60  # images drawn as cards (each one decoded for its thumbnail); all are counted
FRAMING = ("Text tokens are the o200k_base encoding's count of every text (instructions, "
           "inputs, messages). The API adds message framing on top: about 7 tokens on Responses "
           "and 8 on Chat Completions for one short user message (measured, docs/metering.md "
           "§14) — not included here; Verify's free count endpoint checks it against the API.")
MODELS_HEADER = ("Model", "Image tokens", "Text tokens", "Input tokens", "$ input", "Verdict")


def fetch_public_bytes(url: str) -> bytes:
    """A remote image's bytes, fetched for a visitor: public addresses only (FetchError)."""
    return fetch_public(url).data


def estimate_request(body: str | Mapping[str, Any], *, tier: str = "standard",
                     on: date | str | None = None, fetch: rq.Fetch | None = None
                     ) -> rq.RequestEstimate:
    """calc.engine.request.estimate_request with the image headers read by Pillow."""
    return rq.estimate_request(body, probe=images.probe, fetch=fetch, tier=tier, on=on)


# --- the screen ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageCard:
    """One image: where it is, a thumbnail with its grid, its tokens or why there are none."""

    number: int
    status: str  # accepted | rejected | unknown
    title: str  # "Image 1 · input[0].content[1]"
    source: str  # the URL or file id, shortened (a data URL by its type and length)
    facts: str  # "3024×4032 JPEG · detail auto → original · 95×126 patches"
    outcome: str  # "14,364 tokens · $0.029" · "rejected by the API: …" · "size unknown: …"
    picture: str | None  # the thumbnail and its grid as HTML; None when the size is unknown
    way_out: str | None  # a rejection's way out
    notes: tuple[str, ...]


@dataclass(frozen=True)
class RequestScreen:
    """Everything the page shows for one pasted request."""

    estimate: rq.RequestEstimate
    verdict: str
    verdict_kind: str  # "accepted", "uncertain" (images of unknown size) or "refused"
    metrics: tuple[Metric, ...]
    cards: tuple[ImageCard, ...]  # the first MAX_CARDS images
    more: int  # images counted but not drawn as cards
    models_html: str  # the request on every current model, cheapest first
    models_note: str
    notes: tuple[str, ...]
    json: str  # the estimate, for a download


def request_screen(body: str, *, tier: str = "standard", on: date | str | None = None,
                   fetch_remote: bool = False) -> RequestScreen:
    """The pasted request worked out. CalcError (with what is wrong) for a body that is not a
    request. Remote images are fetched only with `fetch_remote`, under the public policy."""
    fetched: dict[str, bytes] = {}  # kept for the thumbnails

    def fetch(url: str) -> bytes:
        fetched[url] = fetch_public_bytes(url)
        return fetched[url]

    est = estimate_request(body, tier=tier, on=on, fetch=fetch if fetch_remote else None)
    cards = tuple(_card(image, est, fetched) for image in est.images[:MAX_CARDS])
    models_html, models_note = _models(est)
    verdict, kind = verdict_of(est)
    return RequestScreen(
        estimate=est, verdict=verdict, verdict_kind=kind, metrics=_metrics(est), cards=cards,
        more=len(est.images) - len(cards), models_html=models_html, models_note=models_note,
        notes=(FRAMING, *est.notes),
        json=json.dumps(est.to_dict(), indent=2, ensure_ascii=False))


def verdict_of(est: rq.RequestEstimate) -> tuple[str, str]:
    """The request-level verdict in one sentence, and its kind."""
    money = f"{format_usd(est.usd)} input at {tier_label(est.tier)} on {est.on.isoformat()}"
    if not est.accepted:
        return ("The API would refuse this request (HTTP 400) and bill nothing: "
                + "; ".join(est.problems) + ".", "refused")
    tokens = (f"{est.input_tokens:,} input tokens ({est.image_tokens:,} image + "
              f"{est.text_tokens:,} text)")
    if est.unknown:
        n = est.unknown
        return (f"Accepted if the {n} image{'s' * (n != 1)} of unknown size "
                f"{'are' if n != 1 else 'is'} within the limits: {tokens} known on {est.model}, "
                f"{money}, plus {'those images' if n != 1 else 'that image'}.", "uncertain")
    return f"The API would accept this request on {est.model}: {tokens}, {money}.", "accepted"


def _metrics(est: rq.RequestEstimate) -> tuple[Metric, ...]:
    return (
        Metric("Images", f"{len(est.images):,}",
               f"at most {catalogue().limits['images_per_request']:,} per request"),
        Metric("Rejected", f"{est.rejected:,}", "images the API refuses: the whole request "
                                                  "is refused"),
        Metric("Unknown size", f"{est.unknown:,}", "a file id, or a URL not fetched: not in "
                                                    "the totals"),
        Metric("Image tokens", f"{est.image_tokens:,}", "the accepted images"),
        Metric("Text tokens", f"{est.text_tokens:,}", "o200k_base, without message framing"),
        Metric("Input tokens", f"{est.input_tokens:,}", "image + text"),
        Metric(f"$ input ({tier_label(est.tier)})", format_usd(est.usd),
               f"on {est.on.isoformat()}, at {est.model}'s input rate"),
    )


def _card(image: rq.RequestImage, est: rq.RequestEstimate, fetched: dict[str, bytes]
          ) -> ImageCard:
    title = f"Image {image.number} · {image.where}"
    if image.estimate is None:  # no size: a file id, an unfetched URL, a refused format
        outcome = (image.reason if image.status == "rejected"
                   else f"size unknown: {image.reason}")
        facts = f"detail {image.detail}" + (f" · {image.format}" if image.format else "")
        return ImageCard(image.number, image.status, title, image.label, facts, outcome, None,
                         None, image.notes)
    e = image.estimate
    (w, h), (mw, mh) = image.size, e.grid.image
    detail = e.detail if e.detail == e.effective_detail else f"{e.detail} → {e.effective_detail}"
    seen = f" → {mw}×{mh}" if (mw, mh) != (w, h) else ""
    facts = (f"{w}×{h} {image.format}{seen} · detail {detail} · {e.grid.cols}×{e.grid.rows} "
             f"{e.unit_name}")
    way_out = None
    if image.status == "rejected":
        outcome = image.reason
        lw, lh = image.largest_accepted
        way_out = f"resize it to {lw}×{lh} (the largest size of this shape the API accepts)"
    else:
        outcome = f"{image.tokens:,} tokens · {format_usd(image.usd)}"
    ov = overlay(e, max_side=THUMB_SIDE)
    picture = overlay_html(ov, _thumbnail(image, fetched, ov.preview_size),
                           f"{title}: {facts}")
    return ImageCard(image.number, image.status, title, image.label, facts, outcome, picture,
                     way_out, image.notes)


def _thumbnail(image: rq.RequestImage, fetched: dict[str, bytes],
               size: tuple[int, int]) -> str | None:
    """The image shrunk for the card; None (a grey stand-in) where its pixels cannot be read."""
    try:
        data = (rq.data_url_bytes(image.reference) if image.source == "data"
                else fetched.get(image.reference))
        return None if data is None else images.preview_url(data, size)
    except CalcError:  # damaged pixels behind a good header: the numbers stand, no picture
        return None


def _models(est: rq.RequestEstimate) -> tuple[str, str]:
    """The same request on every current model (vision chat models), cheapest first."""
    rows = [rq.on_model(est, name) for name in model_names(on=est.on, families=("tile", "patch"))]
    rows.sort(key=lambda r: (not r.accepted, r.usd is None, r.usd or 0, r.model))
    cells = [(r.model + (f" · {badge(r.model, est.on)}" if badge(r.model, est.on) else ""),
              format_tokens(r.image_tokens), format_tokens(r.text_tokens),
              format_tokens(r.input_tokens),
              format_usd(r.usd) if offers(r.model, r.tier) else
              f"no {tier_label(r.tier)} tier", _short_verdict(r))
             for r in rows]
    html = table_html(MODELS_HEADER, cells, bars=log_bars([r.usd for r in rows]), bar_column=4,
                      cards=True,
                      chosen=next((i for i, r in enumerate(rows) if r.model == est.model), None))
    note = (f"Bars: $ input, log scale, at {tier_label(est.tier)} on {est.on.isoformat()}. "
            "A refused request is priced as what its accepted images and text would cost.")
    if est.unknown:
        note += f" Images of unknown size ({est.unknown}) are in no row."
    return html, note


def _short_verdict(r: rq.RequestEstimate) -> str:
    if not r.accepted:
        return "refused: " + "; ".join(p.split(":")[0] for p in r.problems)
    return "accepted" + (f", {r.unknown} unknown" if r.unknown else "")


def example_body() -> str:
    """A Responses request to try: the bundled phone photo and icon as data URLs, a remote
    URL and an uploaded file (those two of unknown size), with instructions."""
    def data_url(name: str, media: str) -> str:
        raw = (SAMPLES_DIR / name).read_bytes()
        return f"data:{media};base64,{base64.b64encode(raw).decode('ascii')}"

    body = {
        "model": "gpt-6-sol",
        "instructions": "You read receipts. Answer in JSON.",
        "input": [{"role": "user", "content": [
            {"type": "input_text", "text": "What are the date, shop and total on this receipt?"},
            {"type": "input_image", "image_url": data_url("phone_photo.jpg", "image/jpeg")},
            {"type": "input_image", "image_url": data_url("icon.png", "image/png"),
             "detail": "low"},
            {"type": "input_image", "image_url": "https://example.com/receipt-2.jpg",
             "detail": "high"},
            {"type": "input_image", "file_id": "file-abc123"},
        ]}],
    }
    return json.dumps(body, indent=2)
