"""Verify a pasted request: the body Paste a request handed over, sent once with the key Verify
uses (calc.views.access decides whose and where), its whole estimate beside what the API reports.

What is sent is limited here: the body must pass `estimate_request` (a request the API takes;
images of unknown size only once the visitor confirms them), only the fields that are estimated
go (model and the messages; Responses' instructions), and the output is capped at 16 tokens so
it costs almost nothing. The cost bound must fit the session's cap on the operator's key.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from calc.adapters.openai_usage import FRAMING_TOLERANCE, USAGE_PATHS, RequestUsage, send_request
from calc.engine.catalogue import resolve_model
from calc.engine.clock import today
from calc.engine.pricing import format_usd, usd
from calc.engine.request import RequestEstimate, parse_body
from calc.views import access as va
from calc.views.request import estimate_request, fetch_public_bytes
from calc.views.verify import ResultView, dollars

OUTPUT_CAP = 16  # the Responses API's smallest max_output_tokens
FRAMING_ALLOWANCE = FRAMING_TOLERANCE  # tokens a message, for the cost bound (measured: 7–8)
# The fields sent: what estimate_request reads. Tools, stream, previous_response_id, n, … stay.
SENT = {"responses": ("model", "instructions", "input"), "chat.completions": ("model", "messages")}
CAP_FIELD = {"responses": "max_output_tokens", "chat.completions": "max_completion_tokens"}
FRAMING = ("message framing adds a few tokens per message, not in the estimate: about 7 on "
           "Responses and 8 on Chat Completions for one short user message (measured: "
           "docs/metering.md §14)")
FRAMING_EACH = {"responses": 7, "chat.completions": 8}  # docs/metering.md §14, measured


@dataclass(frozen=True)
class RequestPlan:
    """A handed-over request as Verify would send it, and the most it should cost."""

    estimate: RequestEstimate
    body: dict[str, Any]  # exactly what is sent
    left_out: tuple[str, ...]  # the body's other fields, not sent
    refused: str | None  # why it is never sent: the API would refuse it (HTTP 400)
    input_tokens: int  # the bound: the estimate plus FRAMING_ALLOWANCE a message
    usd: Decimal | None  # the bound's price; None: no price known for the model
    summary: str  # the request in one line
    text: str  # where the bound comes from, in one line
    button: str

    @property
    def unknown(self) -> int:
        """Images of unknown size (a file id, a URL not fetched): not in the estimate."""
        return self.estimate.unknown


def plan_request(body: str, *, fetch_remote: bool = False, on: date | str | None = None
                 ) -> RequestPlan:
    """The body estimated (standard tier: nothing else is sent) and limited; CalcError for a
    body that is not a request. Remote images are fetched (public addresses only) only with
    `fetch_remote`, as the Request page did."""
    est = estimate_request(body, on=on, fetch=fetch_public_bytes if fetch_remote else None)
    parsed, _ = parse_body(body)
    sent = {k: parsed[k] for k in SENT[est.api] if k in parsed}
    sent[CAP_FIELD[est.api]] = OUTPUT_CAP
    if est.api == "responses":
        sent["store"] = False  # nothing kept on the API's side
    left_out = tuple(k for k in parsed if k not in SENT[est.api])
    refused = None if est.accepted else "; ".join(est.problems)
    bound = est.input_tokens + FRAMING_ALLOWANCE * est.messages
    price = _bound_usd(est, bound)
    n_img, n_msg = len(est.images), est.messages
    summary = (f"{_API_NAMES[est.api]} request on {est.model}: {n_img} image{'s' * (n_img != 1)}, "
               f"{n_msg} message{'s' * (n_msg != 1)} — estimate {est.input_tokens:,} input "
               f"tokens ({est.image_tokens:,} image + {est.text_tokens:,} text)")
    what = (f"{est.input_tokens:,} estimated input tokens + up to {FRAMING_ALLOWANCE} a message "
            f"for framing ({n_msg})")
    if est.unknown:
        what += f", plus the {est.unknown} image{'s' * (est.unknown != 1)} of unknown size"
    m = resolve_model(est.model)
    if price is None:
        return RequestPlan(est, sent, left_out, refused, bound, None, summary,
                           f"{what}; the catalogue has no price for {m.name}, but OpenAI still "
                           "bills the call", "Send the request — billed, price unknown")
    text = (f"at {'least' if est.unknown else 'most'} about {format_usd(price)}: {what} at "
            f"${m.price_input}/1M input, plus up to {OUTPUT_CAP} output tokens at "
            f"${m.price_output}/1M ({m.name}, standard tier)")
    return RequestPlan(est, sent, left_out, refused, bound, price, summary, text,
                       f"Send the request — pay about {format_usd(price)}")


_API_NAMES = {"responses": "Responses", "chat.completions": "Chat Completions"}


def _bound_usd(est: RequestEstimate, input_tokens: int) -> Decimal | None:
    """`input_tokens` and OUTPUT_CAP output tokens at the model's standard prices on the day,
    at the long-context rates when the bound is past their threshold."""
    price = resolve_model(est.model).price_on(est.on)
    if price is None or price.input is None or price.output is None:
        return None
    lc = price.long_context
    long = lc is not None and input_tokens > lc.above
    return (usd(input_tokens, price.input, lc.input_factor if long else Decimal(1))
            + usd(OUTPUT_CAP, price.output, lc.output_factor if long else Decimal(1)))


def body_key(body: str, fetch_remote: bool) -> tuple[str, bool, date]:
    """What a plan is worked out once for: the body, the fetch choice, and the day (prices)."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest(), fetch_remote, today()


def send_key(plan: RequestPlan, host: str) -> tuple[str, str]:
    """What makes two sends the same one: exactly the body sent, and the endpoint."""
    sent = json.dumps(plan.body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(sent.encode("utf-8")).hexdigest(), host


def sent_note(plan: RequestPlan) -> str:
    """What goes to the API, in one line (field names are the visitor's text: shown inert)."""
    api = plan.estimate.api
    fields = " and ".join(", ".join(k for k in SENT[api] if k in plan.body).rsplit(", ", 1))
    note = (f"Sent: {fields} as pasted, with {CAP_FIELD[api]} {OUTPUT_CAP} so the reply costs "
            "almost nothing")
    note += ", and store false." if api == "responses" else "."
    if plan.left_out:
        note += f" Left out: {', '.join(plan.left_out)}."
    return note


def send_block(plan: RequestPlan, access: va.Access, spent_usd: Decimal,
               unknown_confirmed: bool) -> str | None:
    """Why the request may not be sent now, or None when it may."""
    if plan.refused:
        return f"the API would refuse this request, so it is not sent: {plan.refused}"
    if plan.unknown and not unknown_confirmed:
        return "confirm below that the images of unknown size may be sent"
    if plan.unknown and access.cap_usd is not None:
        return ("images of unknown size cannot be priced, so this request cannot be kept within "
                "this session's spending cap on the app's key; paste your own key to send it")
    return va.billed_block(access, plan.usd, spent_usd)


# --- the request sent -------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestResult:
    usage: RequestUsage
    estimate: RequestEstimate
    measured_at: str  # UTC, ISO 8601, seconds

    @property
    def difference(self) -> int:
        """Reported − estimated input tokens."""
        return self.usage.input_tokens - self.estimate.input_tokens


def send(client: Any, plan: RequestPlan) -> RequestResult:
    """Send the plan's body once (raises the measure module's MeasureError)."""
    usage = send_request(client, plan.estimate.api, plan.body)
    return RequestResult(usage, plan.estimate, datetime.now(UTC).isoformat(timespec="seconds"))


def verdict_line(r: RequestResult) -> tuple[str, str]:
    """(level, text): success when the difference is what framing can be, else warning."""
    est, n, diff = r.estimate, r.estimate.messages, r.difference
    field = USAGE_PATHS[est.api][0]
    said = (f"The API reported {r.usage.input_tokens:,} input tokens ({field}); the estimate is "
            f"{est.input_tokens:,}")
    if 0 <= diff <= FRAMING_ALLOWANCE * n:
        return "success", (f"{said}: {diff:,} more, within the framing of {n} "
                           f"message{'s' * (n != 1)} ({FRAMING}).")
    return "warning", (f"{said}: {diff:+,}, more than framing explains for {n} "
                       f"message{'s' * (n != 1)} ({FRAMING}).")


def result_rows(r: RequestResult) -> list[tuple[str, str]]:
    """(what, value) rows for a request sent, in the order they are read."""
    est, u = r.estimate, r.usage
    pct = "" if not est.input_tokens else f" ({r.difference * 100 / est.input_tokens:+.1f} %)"
    images = f"{len(est.images):,}"
    if est.unknown:
        images += f" ({est.unknown} of unknown size, not in the estimate)"
    return [
        ("Estimate", f"{est.input_tokens:,} input tokens = {est.image_tokens:,} image + "
                     f"{est.text_tokens:,} text (o200k_base) on {est.model}"),
        ("Reported by the API", f"{u.input_tokens:,} input tokens ({USAGE_PATHS[est.api][0]})"),
        ("Difference", f"{r.difference:+,} tokens{pct}"),
        ("Messages", f"{est.messages:,}: framing adds about {FRAMING_EACH[est.api]} tokens "
                     "each, not in the estimate (docs/metering.md §14)"),
        ("Images", images),
        ("Output tokens", f"{u.output_tokens:,} (at most {OUTPUT_CAP} asked)"),
        ("Model returned", u.model_returned),
        ("Cost of this request", format_usd(u.cost_usd)),
        ("Endpoint", u.endpoint_host),
        ("Sent at", r.measured_at.replace("T", " ").replace("+00:00", " UTC")),
    ]


def result_view(r: RequestResult) -> ResultView:
    """The request's result as the page shows it (calc.views.verify.ResultView)."""
    level, text = verdict_line(r)
    metrics = (("Estimate (image + text)", f"{r.estimate.input_tokens:,}"),
               ("Reported input tokens", f"{r.usage.input_tokens:,}"),
               ("Reported − estimate", f"{r.difference:+,}"))
    return ResultView(level, dollars(text), metrics, result_rows(r), r.usage.reply_text or None,
                      r.measured_at)
