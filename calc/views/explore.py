"""What Explore shows, worked out here so the page only renders.

One `ExploreScreen` per view — an image's size and the choice made (model, detail, fidelity,
rules, tier, how the grid is drawn) — holds everything the results show: the headline numbers
with what they rest on, a rejection's ways out, the grid, the notes, the steps, every model side
by side and the downloads' names; the way a web view hands its template one context. The page
adds only what is its own: the picture's address and the widgets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from calc.adapters.images import ImageInfo, TooManyPixelsError
from calc.engine.catalogue import catalogue, resolve_model
from calc.engine.compare import Row, compare, on_replacements
from calc.engine.errors import ImageError
from calc.engine.estimate import Estimate, estimate
from calc.engine.fit import fit
from calc.engine.pricing import format_usd, priced_on, tier_label, tiers_for
from calc.engine.rules import RULE_SETS
from calc.views.explore_overlay import Overlay, overlay
from calc.views.fit import fitted_name
from calc.views.image_input import RefusedFormatError
from calc.views.inert import short
from calc.views.labels import RULE_LABELS, Metric, format_tokens, replacement_line
from calc.views.markup import comparison_html, comparison_note, steps_html, text_html

# --- one line of facts ---------------------------------------------------------------------------


def _detail_text(est: Estimate) -> str:
    if est.family == "image":
        return f"fidelity {est.fidelity}"
    if est.detail != est.effective_detail:
        return f"{est.detail} → {est.effective_detail}"
    return est.detail


def _cells_text(est: Estimate) -> str:
    g = est.grid
    if est.family == "tile" and est.units == 0:
        return "low detail: base tokens only"
    text = f"{g.cols}×{g.rows} {est.unit_name}"
    if est.units != g.cols * g.rows:  # a patch count capped at the budget
        text += f" (counted {est.units:,})"
    return text


def caption(est: Estimate) -> str:
    """One plain line with the estimate's facts, for screen readers and for copying.

    `gpt-4o · high · 2048×4096 → 768×1536 · 2×3 tiles · 1,105 tokens · $0.0028`
    """
    (w0, h0), (w, h) = est.original_size, est.grid.image
    head = (est.model, _detail_text(est), f"{w0}×{h0} → {w}×{h}", _cells_text(est))
    if not est.accepted:
        return " · ".join(head + (est.reason,))
    price = format_usd(est.usd) + (f" {tier_label(est.tier).lower()}" if est.tier != "standard"
                                   and est.usd is not None else "")
    when = priced_on(est.priced_on)
    return " · ".join(head + (f"{est.tokens:,} tokens", price) + ((when,) if when else ()))


def image_facts(label: str, size: tuple[int, int], info: ImageInfo | None) -> str:
    """The image itself, whatever the choice: 'Phone photo · JPEG · 3024×4032 px · stored
    4032×3024, EXIF orientation 6 applied'; a size only when there are no pixels."""
    w, h = size
    if info is None:
        return f"{w}×{h} px, size only (no picture)"
    text = f"{label} · {info.format} · {w}×{h} px"
    if info.orientation != 1:
        sw, sh = info.stored_size
        text += f" · stored {sw}×{sh}, EXIF orientation {info.orientation} applied"
    return text


# --- what the numbers rest on, and a rejection -------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """What stands next to the headline numbers: what they rest on, and a replacement."""

    caveats: tuple[str, ...]  # the tier not confirmed, a third-party or inferred fact
    replacement: str  # 'shuts down 2027-01-14 → gpt-6-luna: $0.00012 instead of …', or ''


def headline(est: Estimate) -> Headline:
    """The caveats the numbers rest on (shown beside them, not only further down) and, for a
    deprecated or shut-down model, its replacement and what the same image costs there."""
    caveats = tuple(n.text for n in est.notes if n.kind in ("price", "inferred"))
    return Headline(caveats, replacement_line(est, on_replacements(est)))


@dataclass(frozen=True)
class Rejection:
    """What Explore shows for an image the API refuses: the count, the limit, two ways out."""

    patches: int
    limit: int
    high_tokens: int | None  # the same image at detail high (None if that is rejected too)
    high_usd: Decimal | None
    largest: tuple[int, int]
    largest_tokens: int
    largest_usd: Decimal | None


def rejection(est: Estimate) -> Rejection | None:
    """None for an accepted estimate; else the two ways out, each priced at its tier and day."""
    if est.accepted:
        return None
    w, h = est.original_size
    high = estimate(w, h, est.model, "high", est.fidelity, est.rules, est.tier, est.priced_on)
    big = estimate(*est.largest_accepted, est.model, est.detail, est.fidelity, est.rules,
                   est.tier, est.priced_on)
    return Rejection(
        est.units, catalogue().limits["patches_per_image"], high.tokens,
        high.usd if high.accepted else None, est.largest_accepted, big.tokens, big.usd)


@dataclass(frozen=True)
class RuleSetCount:
    """One image counted under one rule set, for where the guide and billing disagree."""

    rules: str
    tokens: int | None  # None: rejected under these rules (see `reason`)
    usd: Decimal | None
    reason: str


def both_rule_sets(est: Estimate) -> tuple[RuleSetCount, ...]:
    """The same image, model, detail, fidelity, tier and day counted under each rule set."""
    w, h = est.original_size
    counts = []
    for rules in RULE_SETS:
        e = estimate(w, h, est.model, est.detail, est.fidelity, rules, est.tier, est.priced_on)
        counts.append(RuleSetCount(rules, e.tokens if e.accepted else None,
                                   e.usd if e.accepted else None, e.reason))
    return tuple(counts)


# --- the screen ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """A note under the controls: a badge ('' for none) in a colour, and its text."""

    kind: str  # the estimate note's kind; "differs" is followed by both rule sets' counts
    badge: str
    colour: str  # orange, violet, red, blue
    text: str


@dataclass(frozen=True)
class WaysOut:
    """A rejection said as one, and the two ways out as buttons (and a download of the image
    at the largest accepted size, when there are pixels to resize)."""

    message: str  # Markdown
    high: str  # the button to detail high ('Detail high: 1,234 tokens, $0.0012')
    high_possible: bool  # False: detail high is rejected too
    resize: str  # the button to the largest accepted size
    largest: tuple[int, int]
    fitted: tuple[int, int] | None  # the download's size; None without pixels
    fitted_label: str
    fitted_name: str
    fitted_mime: str


@dataclass(frozen=True)
class ExploreScreen:
    """Everything Explore's results show for one view."""

    estimate: Estimate  # for the JSON download
    metrics: tuple[Metric, ...]  # tokens and $ (or the count against the limit), the grid
    beside: str  # HTML: the caveats and a replacement beside the metrics; '' when none
    ways_out: WaysOut | None  # a rejection's
    overlay: Overlay
    heading: str  # HTML: what the picture shows
    alt: str  # the one-line caption, also the picture's text alternative
    notes: tuple[Note, ...]
    rule_sets: tuple[Metric, ...]  # after a "differs" note: the image under each rule set
    steps: str  # HTML: how it is counted
    models: str  # HTML: every model for this image, and what its bars are
    stem: str  # the downloads' file name, without extension
    drawn: tuple  # what the overlay PNG depends on, beside the image itself


Compare = Callable[..., Sequence[Row]]


def explore_screen(size: tuple[int, int], model: str, detail: str, fidelity: str, rules: str,
                   tier: str, *, mapped: bool = False, include_shut_down: bool = False,
                   image_format: str | None = None, on: date | str | None = None,
                   compare_rows: Compare = compare) -> ExploreScreen:
    """The results for an image of `size` under a choice. `image_format`: the file's, when its
    pixels are at hand (a rejection then offers the image resized); `compare_rows`: the engine's
    `compare`, or a cached one. CalcError for a choice the catalogue refuses."""
    w, h = size
    est = estimate(w, h, model, detail, fidelity, rules, tier, on)
    ov = overlay(est, mapped=mapped)
    refused = rejection(est)
    rows = compare_rows(w, h, detail, fidelity, rules, tier, include_shut_down, est.priced_on)
    notes = tuple(_note(n.kind, n.text, est) for n in est.notes)
    (gw, gh) = est.grid.image
    return ExploreScreen(
        estimate=est, metrics=_metrics(est, refused), beside=_beside(est),
        ways_out=None if refused is None else _ways_out(est, refused, image_format),
        overlay=ov, heading=_heading(est, ov), alt=caption(est), notes=notes,
        rule_sets=(_rule_set_metrics(est) if any(n.kind == "differs" for n in notes) else ()),
        steps=steps_html(est),
        models=comparison_html(rows, est.model) + text_html(comparison_note(rows), caption=True),
        stem=f"patchwork-{est.model}-{gw}x{gh}",
        drawn=(est.model, est.detail, est.fidelity, est.rules, ov.mapped))


def _metrics(est: Estimate, refused: Rejection | None) -> tuple[Metric, ...]:
    at = f"{tier_label(est.tier)} tier"
    if refused is None:
        usd = est.usd
        money = (Metric("Tokens", format_tokens(est.tokens)),
                 Metric("$ per image", format_usd(usd), at),
                 Metric("$ per 1,000 images", format_usd(None if usd is None else usd * 1000), at))
    else:  # a rejection: the count against the limit, no price
        money = (Metric("Tokens", "rejected", est.reason),
                 Metric("Patches needed", f"{est.units:,}", "after the profile's fit"),
                 Metric("Limit per image", f"{refused.limit:,}"))
    unit = est.unit_name.capitalize()
    if est.units == 0:  # low detail: only the base is billed, whatever the grid
        cells = Metric(unit, "base only", "Low detail: base tokens only; no tiles are counted")
    else:
        cells = Metric(unit, f"{est.grid.cols}×{est.grid.rows}", f"{est.units:,} counted")
    return (*money, cells)


def _beside(est: Estimate) -> str:
    """The caveats and a replacement's line, spaced, as one element."""
    head = headline(est)
    lines = [text_html(f"⚠️ {text}", caption=True) for text in head.caveats]
    if head.replacement:
        lines.append(text_html(f"⏳ {est.model} {head.replacement}", caption=True))
    if not lines:
        return ""
    return f'<div style="display:flex;flex-direction:column;gap:1rem">{"".join(lines)}</div>'


def _ways_out(est: Estimate, r: Rejection, image_format: str | None) -> WaysOut:
    message = (f"**Rejected by the API** (HTTP 400): this image needs {r.patches:,} patches at "
               f"detail {est.detail} on {est.model}; the limit is {r.limit:,} per image. "
               "It would not be billed — and not answered. (This is OpenAI's own API; other "
               "routes, such as gateways, have accepted or refused big images differently.)")
    high = (f"{r.high_tokens:,} tokens, {format_usd(r.high_usd)}" if r.high_tokens is not None
            else "rejected too")
    lw, lh = r.largest
    fitted, name, mime = None, "", ""
    if image_format is not None:
        w, h = est.original_size
        fitted = fit(w, h, est.model, est.detail, fidelity=est.fidelity, rules=est.rules)
        name, mime = fitted_name(fitted, image_format)
    return WaysOut(
        message=message, high=f"Detail high: {high}", high_possible=r.high_tokens is not None,
        resize=f"Resize to {lw}×{lh}: {r.largest_tokens:,} tokens, {format_usd(r.largest_usd)}",
        largest=r.largest, fitted=fitted,
        fitted_label="" if fitted is None else f"Download it at {fitted[0]}×{fitted[1]}",
        fitted_name=name, fitted_mime=mime)


def _heading(est: Estimate, ov: Overlay) -> str:
    where = "mapped onto the original" if ov.mapped else "as the model sees it"
    base = " — low detail: base tokens only" if est.units == 0 else ""
    return text_html("", f"{ov.cols}×{ov.rows} {est.unit_name}",
                     f", {where} ({ov.image[0]}×{ov.image[1]} px; black: padding){base}")


_BADGES = {"inferred": ("inferred", "orange"), "differs": ("guide ≠ billing", "violet"),
           "boundary": ("knife edge", "blue")}


def _note(kind: str, text: str, est: Estimate) -> Note:
    if kind == "lifecycle":
        return Note(kind, est.status, "red" if est.status == "shut down" else "orange", text)
    badge, colour = _BADGES.get(kind, ("", ""))
    return Note(kind, badge, colour, text if badge else f"ℹ️ {text}")


def _rule_set_metrics(est: Estimate) -> tuple[Metric, ...]:
    """Where the guide and billing disagree: both numbers, tokens over dollars at the tier."""
    out = []
    for count in both_rule_sets(est):
        label = f"{count.rules.capitalize()} rules"
        if count.tokens is None:
            out.append(Metric(label, "rejected", count.reason))
        else:
            out.append(Metric(label, f"{count.tokens:,}",
                              f"{RULE_LABELS[count.rules]}: tokens, and dollars at the chosen tier",
                              format_usd(count.usd)))
    return tuple(out)


# --- the controls' facts -------------------------------------------------------------------------


def fidelity_note(model: str) -> str:
    """Beside the controls where input fidelity is not a choice; '' where it is."""
    family = resolve_model(model).family
    if family == "image":
        return ""
    return ("Input fidelity is fixed (high) on gpt-image-2 models." if family == "image2"
            else "Input fidelity applies to gpt-image-1 models only.")


def tier_fallback(model: str, tier: str) -> str:
    """'' when `model` offers `tier`; else what the page says as it shows Standard instead."""
    m = resolve_model(model)
    if tier in tiers_for(m):
        return ""
    return f"{m.name} does not offer the {tier_label(tier)} tier: Standard is shown."


# --- bringing an image ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Brought:
    """A file brought to Explore: the image to show (`size` None: keep the one on screen), its
    label, and what to tell the visitor as (level, text) pairs."""

    size: tuple[int, int] | None
    loaded: Any  # the decoded image (None: a size only)
    label: str
    messages: tuple[tuple[str, str], ...]


def bring(label: str, decode: Callable[[], tuple[Any, ImageError | None]]) -> Brought:
    """Decode a file with `decode` (the page's reader: the image and a caveat, or ImageError).
    A format the API refuses is estimated at the size it declares; a still or first frame of an
    animated file is estimated with a warning; a file that cannot be read keeps the old image."""
    name = short(label)
    try:
        loaded, caveat = decode()
    except RefusedFormatError as e:  # HEIC, SVG: no pixels here, but the size it declares
        if e.size is None:
            return Brought(None, None, name, (("error", f"{name}: {e}"),))
        return Brought(e.size, None, name, (("error", f"{name}: {e}. The estimate below is "
                                                      "for the same size once converted."),))
    except TooManyPixelsError as e:  # a size the API resizes: priced, just not drawn here
        return Brought(e.size, None, name, (("warning", f"{name}: {e}. The estimate below is "
                                                        "for its size."),))
    except ImageError as e:
        return Brought(None, None, name, (("error", f"{name}: {e}"),))
    if isinstance(caveat, RefusedFormatError):
        return Brought(loaded.info.size, loaded, name,
                       (("error", f"{name}: {caveat}. The estimate below is for the same "
                                  "pixels once converted."),))
    if caveat is not None:
        return Brought(loaded.info.size, loaded, short(f"{name} (first frame)"),
                       (("warning", f"{caveat} The estimate below is for the first frame."),))
    return Brought(loaded.info.size, loaded, name, ())
