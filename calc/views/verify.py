"""What the Verify page shows, worked out here so the page only collects input and renders.

Why nothing can be sent yet (calc.views.access decides whose key goes where), what a billed
check will cost before it is made, the key a measurement is cached under, the image as it is
sent, one measurement with its comparison, and the rows of the result, log and calibration
tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from calc.adapters import calibration_store, openai_usage
from calc.adapters.images import LoadedImage, data_url
from calc.adapters.openai_usage import (
    DEFAULT_PROMPT,
    METHODS,
    Comparison,
    ListedModel,
    Measurement,
    compare,
)
from calc.engine.catalogue import resolve_model
from calc.engine.counts import shown
from calc.engine.errors import CalcError, ImageError
from calc.engine.pricing import format_usd
from calc.views import inert
from calc.views.model_choice import DEFAULT_MODEL, model_names

if TYPE_CHECKING:
    from PIL import Image

    from calc.adapters.calibration_store import LogRow
    from calc.engine.estimate import Estimate
    from calc.views.access import Access
    from calc.views.calibration import CalibrationResult

# The adapters the Verify page drives, reached through its view: pages never import adapters.
CalibrationLog = calibration_store.CalibrationLog
default_path = calibration_store.default_path
row_from_measurement = calibration_store.row_from_measurement
list_models = openai_usage.list_models
__all__ = ["CalibrationLog", "LoadedImage", "default_path", "list_models", "make_client",
           "row_from_measurement"]


def make_client(api_key: str, base_url: str | None = None, timeout: float = 30.0, *,
                policy=None):
    """The OpenAI client for Verify (looked up at call time, so tests can point it elsewhere).
    `policy`: the endpoint is a visitor's own, checked on every connection."""
    if policy is None:
        return openai_usage.make_client(api_key, base_url, timeout=timeout)
    return openai_usage.make_client(api_key, base_url, timeout=timeout, policy=policy)


def log_csv(log: CalibrationLog, session: str | None) -> str:
    """The log's CSV download: this session's rows (all when None), formula cells neutralised."""
    return log.to_csv(session, cell=inert.cell)


METHOD_LABELS = {"count": "Count (free)", "run": "Run (billed)",
                 "chat": "Chat Completions (billed)"}
# What measure.run_image and chat_image ask for (their default max_output_tokens).
MAX_OUTPUT_TOKENS = 16
# Prompt and message framing per request, generously: docs/metering.md §14 measures framing at
# about 7–8 tokens for one short message, and the prompt is a handful of words. Only used to
# bound a cost.
TEXT_ALLOWANCE = 30
# The most this page sends in one request, as its upload limit (.streamlit/config.toml): the API
# itself takes up to 512 MB (docs/metering.md §17). The data URL is most of it.
MAX_PAYLOAD_BYTES = 50 * 1_000_000


class PayloadTooLargeError(ImageError):
    """The image, losslessly encoded, is more than the API accepts in one request."""


# --- the key and the endpoint: calc.views.access decides; this says why nothing can go yet ---


def access_block(access: Access) -> str | None:
    """Why nothing can be sent with this access yet, in words (None when it can)."""
    if access.key is None:
        return "add an API key above to measure"
    if access.problem:
        return "fix the base URL above"
    if access.unencrypted:
        return "confirm above that your key may go to this endpoint unencrypted, or use https"
    return None


# --- what a check costs -------------------------------------------------------------------


@dataclass(frozen=True)
class CostPreview:
    """What pressing the button for `method` will cost, at most, before it is pressed."""

    method: str
    billed: bool
    billed_calls: int
    input_tokens: int  # billed input tokens, image and text allowance together
    output_tokens: int  # the most output tokens the calls may be billed
    usd: Decimal | None  # exact; None: the catalogue has no price for the model
    text: str  # where the number comes from, in one line
    button: str  # the button's label, with the cost on it

    @property
    def bound(self) -> Decimal | None:
        """What counts against the session's cap before the call: nothing for a free one."""
        return self.usd if self.billed else None

    @property
    def line(self) -> str:
        """The line under the method (our own Markdown once passed through `dollars`)."""
        return ("💳 Billed: " if self.billed else "🆓 ") + self.text


def cost_preview(image_tokens: int, model: str, method: str,
                 max_output_tokens: int = MAX_OUTPUT_TOKENS) -> CostPreview:
    """The most a measurement should cost: estimated image tokens plus a text allowance at the
    input price, plus the output cap at the output price, for every billed call (standard tier).

    Count is free. Run is one billed call (its baseline is counted free). Chat Completions is
    two billed calls: with the image, and the baseline without it.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: use one of {', '.join(METHODS)}")
    if method == "count":
        return CostPreview(method, False, 0, 0, 0, Decimal(0),
                           "free: the count endpoint runs no model — two count calls, with and "
                           "without the image", "Count image tokens (free)")
    calls = 1 if method == "run" else 2
    input_tokens = image_tokens + calls * TEXT_ALLOWANCE
    output_tokens = calls * max_output_tokens
    m = resolve_model(model)
    name = "Run" if method == "run" else "Chat Completions"
    what = (f"{image_tokens:,} image tokens + ~{calls * TEXT_ALLOWANCE} prompt tokens"
            f"{' (two calls: with and without the image)' if calls == 2 else ''}")
    if m.price_input is None or m.price_output is None:
        return CostPreview(method, True, calls, input_tokens, output_tokens, None,
                           f"{what}; the catalogue has no price for {m.name}, but OpenAI "
                           "still bills the call", f"{name} — billed, price unknown")
    usd = (input_tokens * m.price_input + output_tokens * m.price_output) / 1_000_000
    text = (f"at most about {format_usd(usd)}: {what} at ${m.price_input}/1M input, plus up to "
            f"{output_tokens} output tokens at ${m.price_output}/1M ({m.name}, standard tier)")
    return CostPreview(method, True, calls, input_tokens, output_tokens, usd, text,
                       f"{name} — pay about {format_usd(usd)}")


def again_label(preview: CostPreview) -> str:
    """The label of the button that measures a cached case once more."""
    if not preview.billed:
        return "Measure again (free)"
    if preview.usd is None:
        return "Measure again — billed, price unknown"
    return f"Measure again — pay about {format_usd(preview.usd)}"


# --- caching and sending --------------------------------------------------------------------


def asked(request: dict | None, key: Any, *, blocked: str | None = None,
          done: bool = False) -> bool:
    """Whether this run makes the call `key` stands for: a click asked for it (the request the
    page took this run), nothing blocks it, and it is not done already unless asked again."""
    return (blocked is None and request is not None and request["key"] == key
            and (request["force"] or not done))


def cache_key(image_sha256: str, model: str, detail: str, fidelity: str, method: str,
              endpoint: str) -> tuple[str, str, str, str, str, str]:
    """What makes two measurements the same one. The endpoint is part of it: the same image
    measured on another API is another measurement."""
    return (image_sha256, model, detail, fidelity, method, endpoint)


def remember(store: dict, key: Any, value: Any, limit: int = 32) -> None:
    """store[key] = value, dropping the oldest entries beyond `limit` (the session stays small)."""
    store.pop(key, None)
    store[key] = value
    while len(store) > limit:
        store.pop(next(iter(store)))


def image_payload(image: Image.Image) -> str:
    """Exactly these pixels as a data URL: PNG, or lossless WEBP when the PNG is over the API's
    payload limit. PayloadTooLargeError when neither fits."""
    url = data_url(image, "PNG")
    if len(url) <= MAX_PAYLOAD_BYTES:
        return url
    png_mb = len(url) / 1e6
    url = data_url(image, "WEBP")
    if len(url) <= MAX_PAYLOAD_BYTES:
        return url
    w, h = image.size
    raise PayloadTooLargeError(
        f"this {w}×{h} image is {png_mb:.0f} MB as a lossless PNG and {len(url) / 1e6:.0f} MB "
        f"as lossless WEBP; this page sends up to {MAX_PAYLOAD_BYTES // 1_000_000} MB per "
        "request. Resize or crop it and try again (the estimate above still holds)."
    )


# --- one measurement ------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    measurement: Measurement
    estimate: Estimate
    comparison: Comparison
    measured_at: str  # UTC, ISO 8601, seconds


def measure(client: Any, method: str, *, estimate: Estimate, image_url: str, detail: str,
            prompt: str = DEFAULT_PROMPT) -> VerifyResult:
    """Measure through the API (raises the measure module's MeasureError) and compare."""
    m = METHODS[method](client, model=estimate.requested_model, image_url=image_url,
                        detail=detail, prompt=prompt)
    return VerifyResult(m, estimate, compare(estimate, m),
                        datetime.now(UTC).isoformat(timespec="seconds"))


_VERDICT_LEVEL = {"exact": "success", "within framing overhead": "info", "off": "warning"}


def verdict_line(c: Comparison) -> tuple[str, str]:
    """(level, text): level is success, info or warning; text is one line of Markdown."""
    text = f"**{c.verdict.capitalize()}** — {c.explanation}."
    if c.verdict == "off":
        text += " A calibration run below fits this model's constants from a few sizes."
    return _VERDICT_LEVEL[c.verdict], text


_BASELINE_HOW = {
    "count": "counted free",
    "run": "counted free with the count endpoint",
    "chat": "a second, billed chat call without the image",
}


def result_rows(r: VerifyResult) -> list[tuple[str, str]]:
    """(what, value) rows for a result, in the order they are read."""
    m, c, est = r.measurement, r.comparison, r.estimate
    pct = "" if c.percent is None else f" ({c.percent:+.1f} %)"
    if m.method == "count":
        returned = f"{m.model_returned} (the count endpoint names no model: this is the one asked)"
    else:
        returned = m.model_returned
    if m.cost_usd == 0 and m.method == "count":
        cost = "free"
    elif m.cost_usd is None:
        cost = "price unknown"
    else:
        cost = format_usd(m.cost_usd)
    rows = [
        ("Estimate", f"{c.estimate:,} image tokens ({est.model}, detail {est.detail}, "
                     f"{est.rules} rules)"),
        ("Reported by the API", f"{c.reported:,} image tokens = {m.with_image:,} with the image "
                                f"− {m.baseline:,} without"),
        ("Difference", f"{c.difference:+,} tokens{pct}"),
        ("Baseline", f"{m.baseline:,} tokens of prompt and framing ({_BASELINE_HOW[m.method]})"),
        ("Model returned", returned),
        ("Method", METHOD_LABELS[m.method]),
        ("Cost of this measurement", cost),
        ("Endpoint", m.endpoint_host),
        ("Measured at", r.measured_at.replace("T", " ").replace("+00:00", " UTC")),
    ]
    if m.method != "count":
        rows.insert(7, ("Output tokens", f"{m.output_tokens:,}"))
    return rows


# --- the log and the calibration run --------------------------------------------------------


def log_records(rows: list[LogRow]) -> list[dict[str, Any]]:
    """The calibration log as table rows, newest first, with the difference worked out."""
    return [
        {
            "id": r.id,
            "time (UTC)": (r.time or "")[:19].replace("T", " "),
            "endpoint": r.endpoint_host,
            "model asked": r.model_requested,
            "model returned": r.model_returned,
            "size": f"{r.width}×{r.height}",
            "detail": r.detail,
            "fidelity": r.fidelity,
            "method": r.method,
            "estimate": r.estimate,
            "reported": r.reported,
            "difference": r.reported - r.estimate,
            "baseline": r.baseline,
            "cost": _log_cost(r.cost_usd),
            "rules version": r.rules_version,
        }
        for r in reversed(rows)
    ]


def _log_cost(usd: Decimal | None) -> str:
    """A logged measurement's cost: free, exact dollars, or nothing (not recorded)."""
    return "" if usd is None else "free" if usd == 0 else format_usd(usd)


def row_label(r: LogRow) -> str:
    """How a log row is named where rows are picked for deletion."""
    return (f"#{r.id} · {inert.plain(r.model_requested, 60)} · {r.width}×{r.height} · {r.method} · "
            f"{r.estimate:,} → {r.reported:,}")


def scatter_extent(rows: list[LogRow]) -> tuple[int, int]:
    """The range the y = x line spans: 0 to a little past the largest number plotted."""
    top = max([r.estimate for r in rows] + [r.reported for r in rows] + [1])
    return 0, int(top * 1.05) + 1


def scatter_figure(rows: list[LogRow]) -> dict[str, Any]:
    """The log as a Plotly figure (a plain spec): estimate against reported, one series a
    method, over the line where they agree."""
    lo, hi = scatter_extent(rows)
    data: list[dict[str, Any]] = [dict(
        type="scatter", x=[lo, hi], y=[lo, hi], mode="lines", name="estimate = reported",
        line=dict(color="#9aa5ad", dash="dash"), hoverinfo="skip")]
    for method, label in METHOD_LABELS.items():
        picked = [r for r in rows if r.method == method]
        if picked:
            data.append(dict(
                type="scatter", x=[r.estimate for r in picked], y=[r.reported for r in picked],
                mode="markers", name=label, marker=dict(size=9, opacity=0.8),
                text=[row_label(r) for r in picked],
                hovertemplate="%{text}<br>estimate %{x:,}<br>reported %{y:,}<extra></extra>"))
    layout = dict(height=380, margin=dict(l=10, r=10, t=30, b=10),
                  xaxis=dict(title=dict(text="estimated image tokens")),
                  yaxis=dict(title=dict(text="reported image tokens")),
                  legend=dict(orientation="h", y=1.08), plot_bgcolor="#fbfaf7")
    return dict(data=data, layout=layout)


def recording(measure_fn: Callable[[int, int], Measurement],
              record: Callable[[Measurement, int, int], None]
              ) -> Callable[[int, int], Measurement]:
    """measure_fn that hands every measurement to `record` as soon as it is made, so a run that
    stops part-way has already recorded each point it measured."""

    def measure_and_record(width: int, height: int) -> Measurement:
        m = measure_fn(width, height)
        record(m, width, height)
        return m

    return measure_and_record


def calibration_records(result: CalibrationResult) -> list[dict[str, Any]]:
    """One table row per size measured in a calibration run."""
    unit = "patches" if result.family in ("patch", "image2") else "tiles"
    return [
        {
            "size": f"{p.width}×{p.height}",
            unit: p.units,
            "with image": p.with_image,
            "baseline": p.baseline,
            "image tokens": p.image_tokens,
            "billing rules": p.billing,
            "documented rules": p.documented,
            "matches": _matches(p),
        }
        for p in result.points
    ]


def _matches(p) -> str:
    """Which rules reproduce a point; a knife-edge size (docs/metering.md §13) also names the
    floating-point count."""
    said = [r for r, v in (("billing", p.billing), ("documented", p.documented))
            if v == p.image_tokens]
    if p.float_tokens is not None and p.float_tokens == p.image_tokens and not said:
        return "floating point (knife edge)"
    return ", ".join(said) or "neither"


def calibration_fit(result: CalibrationResult) -> str:
    """The fitted constants in words, e.g. '×1.2' or '85 + 170 × tiles'."""
    if result.family in ("patch", "image2"):
        return "—" if result.multiplier is None else f"×{result.multiplier}"
    if result.base is None:
        return "—"
    return f"{result.base} + {result.tile} × tiles" if result.tile is not None \
        else f"{result.base} (base only)"


# ---- the models a key can use, held against the catalogue (docs/metering.md §12) -----------------

NOT_GIVEN = "not given"  # the API left shutdown_date out: nothing to compare
NONE_ANNOUNCED = "none announced"  # the API said null
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only (\d takes any script's)


@dataclass(frozen=True)
class KeyModel:
    """One id the key can use, held against the catalogue.

    api_shutdown: what the API says, as shown — a YYYY-MM-DD date, NONE_ANNOUNCED, NOT_GIVEN, or
    the value it sent (quoted, shortened) when that is not a date. catalogue_shutdown: the
    catalogue's date, None when it has none or does not know the id. flag: why the row needs
    a look (an id to add, dates that differ, a date that is not one), None when it does not.
    """

    id: str  # as the API lists it, e.g. gpt-5.4-mini-2026-03-17
    catalogue_name: str | None  # what it resolves to; None: the catalogue does not know it yet
    status: str | None  # the catalogue model's lifecycle status today
    api_shutdown: str = NOT_GIVEN
    catalogue_shutdown: str | None = None
    flag: str | None = None


def _api_shutdown(listed: ListedModel) -> tuple[str, str | None, bool]:
    """(as shown, the date or None, whether it can be compared) for the API's shutdown_date."""
    value = listed.shutdown_date
    if not listed.has_shutdown_date:
        return NOT_GIVEN, None, False
    if value is None:
        return NONE_ANNOUNCED, None, True
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value).isoformat(), value, True
        except ValueError:
            pass
    return f"not a date: {shown(value)}", None, False


def key_model(listed: ListedModel) -> KeyModel:
    """One listed model resolved like a name in a link (dated ids to their model) and its
    shutdown_date held against the catalogue's."""
    api_said, day, comparable = _api_shutdown(listed)
    bad_date = api_said.startswith("not a date")
    try:
        m = resolve_model(listed.id)
    except CalcError:
        flag = "the catalogue does not know this id: a model to add"
        return KeyModel(listed.id, None, None, api_said, None,
                        flag + ("; and its shutdown_date is not a date" if bad_date else ""))
    ours = None if m.shutdown is None else str(m.shutdown)
    flag = None
    if bad_date:
        flag = "the API's shutdown_date is not a YYYY-MM-DD date"
    elif comparable and day != ours:
        flag = (f"the API says {day or NONE_ANNOUNCED}, the catalogue "
                f"{ours or 'has no shutdown date'}")
    return KeyModel(listed.id, m.name, m.status(), api_said, ours, flag)


def key_models(listed: tuple[ListedModel, ...]) -> tuple[KeyModel, ...]:
    """Every listed model (key_model): known ones first, in catalogue order, then the ids the
    catalogue does not know — new models to add."""
    from calc.engine.catalogue import models

    order = {m.name: i for i, m in enumerate(models())}
    rows = [key_model(m) for m in listed]
    return tuple(sorted(rows, key=lambda r: (r.catalogue_name is None,
                                             order.get(r.catalogue_name, 0), r.id)))


def key_model_records(rows: tuple[KeyModel, ...]) -> list[dict[str, Any]]:
    """The table of the models a key can use: one row per id, every value as text."""
    return [
        {
            "id": inert.short(r.id),
            "catalogue model": r.catalogue_name or "— (unknown)",
            "status": r.status or "—",
            "shutdown (API)": r.api_shutdown,
            "shutdown (catalogue)": r.catalogue_shutdown or ("none" if r.catalogue_name else "—"),
            "check": r.flag or "",
        }
        for r in rows
    ]


def key_model_notes(rows: tuple[KeyModel, ...]) -> list[str]:
    """The lines under the table, plain text (the page escapes them): ids to add, and every
    shutdown date the API and the catalogue disagree on."""
    notes = []
    new = [inert.short(r.id) for r in rows if r.catalogue_name is None]
    if new:
        notes.append(f"{len(new)} id(s) the catalogue does not know yet (not estimable until "
                     f"added): {', '.join(new)}")
    differ = [f"{inert.short(r.id)} ({r.flag})" for r in rows
              if r.catalogue_name is not None and r.flag]
    if differ:
        notes.append("Shutdown dates to check against OpenAI's deprecations page: "
                     + "; ".join(differ))
    return notes


# ---- the screen: what the page shows, worked out from what it collected --------------------------

RULE_LABELS = {"billing": "billing (measured)", "documented": "documented (guide)"}
DEFAULT_CHOICE = {"model": DEFAULT_MODEL, "detail": "auto", "fidelity": "low",
                  "rules": "billing", "tier": "standard"}
CALIBRATION_DETAIL = "high"  # the calibration sizes isolate the high-detail rules
NO_KEY = ("**No API key yet.** Everything else on this page works without one; measuring needs "
          "your own OpenAI key.")


def dollars(text: str) -> str:
    """Our own Markdown: a pair of dollar signs would otherwise be typeset as maths."""
    return text.replace("$", "\\$")


def handed_picture(shared: Any) -> dict | None:
    """Explore's picture, when it handed one over. Duck-typed: a LoadedImage made before a
    module reload is another class, but still fine."""
    picture = shared.get("image") if isinstance(shared, dict) else None
    return shared if all(hasattr(picture, a) for a in ("image", "info", "sha256")) else None


def handed_choice(handed: Any) -> dict:
    """Model, detail, fidelity, rules and tier: Explore's choice over the defaults."""
    choice = dict(DEFAULT_CHOICE)
    if isinstance(handed, dict):
        choice.update({k: v for k, v in handed.items() if k in DEFAULT_CHOICE})
    return choice


def first_model(wanted: str) -> str:
    """The model Verify starts on: `wanted` (Explore's) when the API still serves it."""
    names = model_names()
    return wanted if wanted in names else names[0]


def model_options(current: str) -> list[str]:
    """The models offered: the current ones, and `current` when it is no longer one of them."""
    names = model_names()  # the API no longer serves shut-down models
    return names if current in names else [*names, current]


def image_caption(label: str, info: Any, choice: dict | None = None) -> str:
    """One line under the image (Markdown): where it came from, its format and size; from
    Explore, what was chosen there."""
    size = f"{info.format} · {info.width}×{info.height} px"
    if choice is None:
        return f"**{inert.md(label)}** · {size} (EXIF orientation applied)"
    return (f"From Explore: **{inert.md(label)}** · {size} · chosen there: {choice['model']}, "
            f"detail {choice['detail']}, fidelity {choice['fidelity']}, "
            f"{RULE_LABELS.get(choice['rules'], choice['rules'])} rules")


@dataclass(frozen=True)
class KeyPanel:
    """The key box: whose key goes where, and what the visitor can do about it (Markdown)."""

    mode: str  # whose key goes where, or NO_KEY
    forget: bool  # a key typed here: it can be forgotten (and an endpoint chosen)
    key_field: str | None  # the key field's label; None once a key is typed
    problem: str | None  # why the endpoint cannot be used
    unencrypted: str | None  # plain http to a host that may be public: waits for a click
    confirm: str | None  # that click's label
    confirmed: str | None  # the visitor's confirmation, said back


def key_panel(access: Access, spent: Decimal) -> KeyPanel:
    from calc.views import access as va

    host = inert.md(access.host)
    visitor = access.owner == va.VISITOR
    if access.key is None:
        mode = NO_KEY
    elif visitor:
        mode = (f"🔑 **Your own key** (typed here, this browser session only) → **{host}**. "
                "Billed checks are charged to your key.")
    else:
        billed = (f"billed checks on: this session may spend up to ${access.cap_usd} (spent "
                  f"{format_usd(spent)})" if access.billed_allowed
                  else "billed checks off (Count and calibration are free)")
        mode = (f"🔑 **The app's key** (from {va.where(access.key_source, va.KEY_NAME)}) → "
                f"**{host}**, the endpoint the operator configured; {billed}.")
    field = None if visitor else ("OpenAI API key" if access.key is None else
                                  "Or use your own OpenAI API key (then you may also choose the "
                                  "endpoint)")
    confirmed = None
    if visitor and not access.unencrypted and va.plain_http_warning(access.base_url):
        confirmed = (f"🔓 You confirmed that your key goes to {host} unencrypted (plain "
                     "http).")
    return KeyPanel(
        mode=dollars(mode), forget=visitor, key_field=field,
        problem=access.problem and f"Base URL: {inert.md(access.problem)}.",
        unencrypted=access.unencrypted and f"**{host}**: {inert.md(access.unencrypted)}.",
        confirm=access.unencrypted and f"Send my key to {host} unencrypted", confirmed=confirmed)


def _cost_words(p: CostPreview) -> str:
    return "an unknown amount (no price in the catalogue)" if p.usd is None \
        else f"at most about {format_usd(p.usd)}"


def no_key_help(previews: dict[str, CostPreview] | None, model: str) -> str:
    """How to add a key, and what a check of this image would cost (Markdown)."""
    cost = ("Bring an image to see what a billed check of it would cost."
            if previews is None else
            f"For this image on {model}: **Count** is free; a **Run** costs "
            f"{_cost_words(previews['run'])}; **Chat Completions** "
            f"{_cost_words(previews['chat'])} (two calls).")
    return dollars(
        "**To measure, add an OpenAI API key** in one of three ways:\n\n"
        "1. Copy `.streamlit/secrets.toml.example` to `.streamlit/secrets.toml` and put your key "
        "in `OPENAI_API_KEY` (the file is git-ignored), then restart the app;\n"
        "2. or set the environment variable `OPENAI_API_KEY` before starting the app;\n"
        "3. or paste it in the field above: it stays in this browser session only.\n\n"
        f"What a check costs: {cost} Nothing is sent until you press a button.")


@dataclass(frozen=True)
class ImageCheck:
    """The image on this page's settings: its estimate and what each method would cost."""

    estimate: Estimate | None  # None: no image, or one the API would refuse
    problem: str | None  # why there is no estimate (Markdown), when there is an image
    metric: tuple[str, str] | None  # (label, value) of the estimate
    previews: dict[str, CostPreview] | None


def image_check(size: tuple[int, int] | None, settings: dict) -> ImageCheck:
    """The estimate of an image of `size` (None: no image yet) and each method's cost."""
    from calc.engine.estimate import estimate

    if size is None:
        return ImageCheck(None, None, None, None)
    try:
        est = estimate(*size, settings["model"], settings["detail"], settings["fidelity"],
                       settings["rules"])
    except CalcError as e:
        return ImageCheck(None, inert.md(e), None, None)
    if not est.accepted:
        return ImageCheck(None, f"{inert.md(est.reason)}: the API would answer HTTP 400. Choose "
                                "detail high or a smaller image (Explore shows the largest "
                                "accepted size).", None, None)
    previews = {m: cost_preview(est.tokens, settings["model"], m) for m in METHOD_LABELS}
    label = f"Estimate · {RULE_LABELS.get(settings['rules'])} rules"
    return ImageCheck(est, None, (label, f"{est.tokens:,} image tokens"), previews)


def measure_block(access: Access, preview: CostPreview, spent: Decimal) -> str | None:
    """Why the measure button is disabled, in words (None when it is not)."""
    from calc.views.access import billed_block

    return access_block(access) or (billed_block(access, preview.usd, spent)
                                    if preview.billed else None)


@dataclass(frozen=True)
class ResultView:
    """A result as the page shows it: verdict, three numbers, the rows, the model's reply."""

    level: str  # success, info or warning
    verdict: str  # Markdown
    metrics: tuple[tuple[str, str], ...]  # (label, value)
    rows: list[tuple[str, str]]
    reply: str | None  # the model's reply, as received (scrubbed): shown inert
    measured_at: str


def result_view(r: VerifyResult) -> ResultView:
    level, text = verdict_line(r.comparison)
    c = r.comparison
    pct = "" if c.percent is None else f" ({c.percent:+.1f} %)"
    metrics = (("Estimate", f"{c.estimate:,}"), ("Reported by the API", f"{c.reported:,}"),
               ("Difference", f"{c.difference:+,}{pct}"))
    return ResultView(level, dollars(text), metrics, result_rows(r),
                      r.measurement.reply_text or None, r.measured_at)


def cached_note(measured_at: str) -> str:
    return (f"🗂️ **cached result**, measured {measured_at.replace('T', ' ')[:19]} UTC: pressing "
            "the button again shows it without calling the API; **Measure again** makes a new "
            "measurement.")


CALIBRATION_INTRO = ("A handful of sizes chosen to isolate one model's rules, counted with the "
                     "free endpoint; the measured constants are compared with the catalogue "
                     "under both rule sets. Every point goes into the log below.")


def calibration_plan(sizes: tuple[tuple[int, int], ...]) -> str:
    return (f"{len(sizes)} sizes at detail {CALIBRATION_DETAIL}: "
            + ", ".join(f"{w}×{h}" for w, h in sizes) + f" — {2 * len(sizes)} free count calls.")


LOG_UNAVAILABLE = ("The calibration log could not be opened ({}). Measuring still works, but "
                   "nothing is kept: the operator can set PATCHWORK_CALIBRATION_DB to a writable "
                   "file and restart.")


@dataclass(frozen=True)
class CalibrationView:
    """A calibration run's result as the page shows it."""

    level: str  # success (a rule set fits) or warning
    verdict: str  # Markdown
    metrics: tuple[tuple[str, str], ...]
    records: list[dict[str, Any]]
    notes: tuple[str, ...]  # Markdown


def calibration_view(result: CalibrationResult) -> CalibrationView:
    return CalibrationView(
        "success" if result.fits else "warning",
        f"**{result.model}:** {inert.md(result.verdict)}",
        (("Measured", calibration_fit(result)),
         ("Catalogue, billing rules", result.catalogue["billing"]),
         ("Catalogue, documented rules", result.catalogue["documented"])),
        calibration_records(result), tuple(f"ℹ️ {inert.md(n)}" for n in result.notes))


def calibration_recorder(model: str, rules: str, log: Callable[[LogRow], str | None]
                         ) -> Callable[[Measurement, int, int], str | None]:
    """The log row of each calibration point, estimated under `rules`, handed to `log` (which
    says why it could not be written, or None)."""
    from calc.engine.estimate import estimate

    def record(m: Measurement, width: int, height: int) -> str | None:
        est = estimate(width, height, model, CALIBRATION_DETAIL, "low", rules).tokens
        return log(row_from_measurement(m, width=width, height=height, estimate=est))

    return record


def calibration_progress(done: int, total: int, model: str) -> tuple[float, str]:
    """The progress bar of a run: the share of sizes measured, and its words."""
    return done / total, f"Calibrating {model}: {done} of {total} sizes"


def rows_word(n: int) -> str:
    """'1 row', '2 rows': how many log rows a deletion names."""
    return f"{n} row{'s' if n != 1 else ''}"


def log_session(shared: bool, session: str) -> str | None:
    """Whose rows a session sees: its own, or everyone's (None) when the operator shares the log."""
    return None if shared else session


def log_caption(shared: bool) -> str:
    whose = ("every session's measurements (the operator shares this log)" if shared
             else "the measurements made in this browser session")
    return (f"Kept on the server (SQLite): {whose}. No key is ever stored: only the endpoint's "
            "host.")
