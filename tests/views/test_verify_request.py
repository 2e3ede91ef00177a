"""calc.views.verify_request: what Verify sends of a pasted request, and the most it may cost.

Known answers: gpt-5-mini bills ×1.2 (docs/metering.md §16): 512×512 high → 308 image tokens,
64×64 high → 5; "compare these two images" is 4 o200k_base tokens; gpt-5-mini costs $0.25 per 1M
input and $2.00 per 1M output, gpt-4o $2.50 and $10.00 (docs/metering.md §9).
"""

from __future__ import annotations

import base64
import io
import json
from decimal import Decimal

import pytest
from PIL import Image

from calc.engine.errors import CalcError
from calc.views import access as va
from calc.views import verify_request as vreq

pytestmark = pytest.mark.today("2026-12-03")  # gpt-5-mini runs until 2026-12-11
OPERATOR = va.resolve({va.KEY_NAME: "sk-op-0123456789abcdef", va.ALLOW_BILLED: "1",
                       va.SESSION_CAP: "0.10"}, {}, None, None)
VISITOR = va.resolve({}, {}, "sk-visitor-0123456789abcdef", None)


def png_url(w: int, h: int) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), "white").save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def body(*images: dict, model: str = "gpt-5-mini", **extra) -> str:
    content = [{"type": "input_text", "text": "compare these two images"}, *images]
    return json.dumps({"model": model, "input": [{"role": "user", "content": content}],
                       **extra})


def image(w: int, h: int) -> dict:
    return {"type": "input_image", "image_url": png_url(w, h), "detail": "high"}


def test_two_images_and_text_bounded_exactly():
    plan = vreq.plan_request(body(image(512, 512), image(64, 64), tools=[{"type": "x"}],
                                  temperature=0.2, max_output_tokens=5000))
    assert (plan.estimate.image_tokens, plan.estimate.text_tokens) == (313, 4)
    assert plan.input_tokens == 317 + 15  # one message's framing allowance
    assert plan.usd == Decimal("0.000115")  # (332 × 0.25 + 16 × 2.00) / 1M, exactly
    assert plan.button == "Send the request — pay about $0.00012"
    assert plan.summary == ("Responses request on gpt-5-mini: 2 images, 1 message — estimate "
                            "317 input tokens (313 image + 4 text)")
    assert plan.text.startswith("at most about $0.00012: 317 estimated input tokens + up to 15 "
                                "a message for framing (1)")
    assert set(plan.body) == {"model", "input", "max_output_tokens", "store"}
    assert (plan.body["max_output_tokens"], plan.body["store"]) == (16, False)
    assert plan.left_out == ("tools", "temperature", "max_output_tokens")
    assert vreq.sent_note(plan) == (
        "Sent: model and input as pasted, with max_output_tokens 16 so the reply "
        "costs almost nothing, and store false. Left out: tools, temperature, "
        "max_output_tokens.")
    assert vreq.send_block(plan, OPERATOR, Decimal(0), False) is None


def test_a_chat_body_is_capped_with_max_completion_tokens():
    chat = json.dumps({"model": "gpt-4o", "max_tokens": 4000, "stream": True, "messages": [
        {"role": "system", "content": "Describe both"},
        {"role": "user", "content": [{"type": "image_url", "image_url": {
            "url": png_url(512, 512), "detail": "high"}}]}]})
    plan = vreq.plan_request(chat)
    assert plan.body == {"model": "gpt-4o", "messages": json.loads(chat)["messages"],
                         "max_completion_tokens": 16}
    # gpt-4o 512×512 high: 85 + 170 = 255 image tokens, + 2 text; 2 messages' allowance = 30.
    assert plan.input_tokens == 257 + 30
    assert plan.usd == Decimal("0.0008775")  # (287 × 2.50 + 16 × 10.00) / 1M


@pytest.mark.parametrize(("spent", "blocked"), [("0.099885", False), ("0.099886", True)])
def test_the_bound_must_fit_the_cap_exactly(spent, blocked):
    plan = vreq.plan_request(body(image(512, 512), image(64, 64)))  # $0.000115
    said = vreq.send_block(plan, OPERATOR, Decimal(spent), False)
    assert (said is not None) == blocked
    if blocked:
        assert "spending cap" in said


def test_a_refused_request_is_never_sent():
    plan = vreq.plan_request(body(model="o4-mini"))  # shut down 2026-10-23
    said = vreq.send_block(plan, VISITOR, Decimal(0), True)
    assert said == ("the API would refuse this request, so it is not sent: o4-mini was shut "
                    "down on 2026-10-23: the API no longer serves it")


def test_images_of_unknown_size_need_the_visitors_word_and_no_cap():
    plan = vreq.plan_request(body(image(512, 512), {"type": "input_image",
                                                     "file_id": "file-abc123"}))
    assert plan.unknown == 1 and plan.text.startswith("at least about")
    assert "confirm below" in vreq.send_block(plan, VISITOR, Decimal(0), False)
    assert vreq.send_block(plan, VISITOR, Decimal(0), True) is None
    assert "cannot be priced" in vreq.send_block(plan, OPERATOR, Decimal(0), True)


def test_a_body_that_is_not_a_request_raises():
    with pytest.raises(CalcError, match="neither `input`"):
        vreq.plan_request('{"model": "gpt-5-mini"}')


def test_a_send_is_the_same_one_only_for_the_same_body_and_endpoint():
    one = vreq.plan_request(body(image(64, 64)))
    again = vreq.plan_request(json.dumps(json.loads(body(image(64, 64))), indent=4))
    other = vreq.plan_request(body(image(64, 64), model="gpt-4o"))
    assert vreq.send_key(one, "h") == vreq.send_key(again, "h")  # the same body sent
    assert vreq.send_key(one, "h") != vreq.send_key(one, "other:1")
    assert vreq.send_key(one, "h") != vreq.send_key(other, "h")
