"""calc.estimate_request with the real adapters (Pillow's header probe, the guarded fetcher) and
the "Paste a request" screen (calc.views.request).

Known answers: the guide's gpt-5.4 1024×1024 high = 1229 and the measured 1600×1600 high = 3000;
metering.md §5's 7952×5304 rejection on gpt-6-sol; gpt-4o 1×1 high = 255 (measured, §16).
"""

from __future__ import annotations

import base64
import io
import json

import pytest
from PIL import Image

import calc
from calc.adapters import images
from calc.adapters.url_fetch import AddressPolicy, fetch_image
from calc.engine import request as rq
from calc.engine.request import HEADER_CHARS
from calc.views import request as vr
from tests.fakes.html_tables import tables
from tests.fakes.http_server import body as route
from tests.fakes.http_server import serve

LOCAL = AddressPolicy.public().allowing("127.0.0.1/32")  # the test server, and nothing else


def image_bytes(size: tuple[int, int], fmt: str, orientation: int = 1, **save) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    Image.new("RGB", size, "teal").save(buf, fmt, exif=exif.tobytes(), **save)
    return buf.getvalue()


def data_url(data: bytes, media: str) -> str:
    return f"data:{media};base64,{base64.b64encode(data).decode()}"


def responses(*parts: dict, model: str = "gpt-5.4") -> str:
    return json.dumps({"model": model, "input": [{"role": "user", "content": list(parts)}]})


def image_part(url: str, detail: str = "high") -> dict:
    return {"type": "input_image", "image_url": url, "detail": detail}


def test_sizes_come_from_the_headers_with_exif_orientation():
    # stored 1024×1600 on its side (EXIF 6): the model sees 1600×1024 → fit-free, budget 2,500:
    # 50 × 32 = 1,600 patches → 1,920 tokens
    jpeg = image_bytes((1024, 1600), "JPEG", orientation=6)
    r = calc.estimate_request(responses(image_part(data_url(jpeg, "image/jpeg")),
                                        image_part(data_url(image_bytes((1024, 1024), "PNG"),
                                                            "image/png"))))
    assert [(i.size, i.format, i.tokens) for i in r.images] == [((1600, 1024), "JPEG", 1920),
                                                                ((1024, 1024), "PNG", 1229)]


def test_a_large_jpeg_is_read_from_its_head_by_pillow():
    # ~1 MB of noisy pixels: Pillow finds the size in the first 192 KiB, and is given no more
    buf = io.BytesIO()
    Image.effect_noise((1600, 1600), 80).convert("RGB").save(buf, "JPEG", quality=95)
    jpeg = buf.getvalue()
    assert len(base64.b64encode(jpeg)) > 4 * HEADER_CHARS
    seen = []

    def probe(data: bytes):
        seen.append(len(data))
        return images.probe(data)

    r = rq.estimate_request(responses(image_part(data_url(jpeg, "image/jpeg"))), probe=probe)
    assert r.images[0].tokens == 3000  # metering.md §16: gpt-5.4 1600×1600 high
    assert seen == [HEADER_CHARS // 4 * 3]


def test_a_bmp_data_url_is_a_rejected_image_and_text_is_no_image():
    bmp = data_url(image_bytes((64, 64), "BMP"), "image/bmp")
    r = calc.estimate_request(responses(image_part(bmp)))
    assert r.images[0].status == "rejected"
    assert r.images[0].reason.startswith("the API refuses it: BMP, ")
    assert r.images[0].reason.endswith("the API refuses this format (HTTP 400): convert to PNG "
                                       "or JPEG")
    not_image = data_url(b"just some text, not pixels", "image/png")
    with pytest.raises(calc.CalcError, match=r"input\[0\]\.content\[0\]: the data URL holds no "
                                             "image the API takes"):
        calc.estimate_request(responses(image_part(not_image)))


def test_a_remote_image_is_read_through_the_guarded_fetcher():
    png = image_bytes((1, 1), "PNG")
    with serve({"/dot.png": route(png)}) as srv:
        url = srv.url("/dot.png")
        body = json.dumps({"model": "gpt-4o", "messages": [{"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": url}}]}]})
        unfetched = calc.estimate_request(body)
        public = calc.estimate_request(body, fetch=vr.fetch_public_bytes)
        local = calc.estimate_request(body, fetch=lambda u: fetch_image(u, policy=LOCAL).data)
    assert unfetched.images[0].status == "unknown"
    assert public.images[0].status == "unknown" and "loopback" in public.images[0].reason
    assert local.images[0].tokens == 255  # metering.md §16: gpt-4o 1×1 at auto = high
    assert [r.path for r in srv.requests] == ["/dot.png"]  # public never connected


@pytest.mark.today("2026-12-03")
def test_the_screen_has_cards_a_verdict_and_every_model():
    big = data_url(image_bytes((7952, 5304), "PNG"), "image/png")
    small = data_url(image_bytes((1024, 1024), "PNG"), "image/png")
    screen = vr.request_screen(responses(image_part(big, "auto"), image_part(small),
                                         model="gpt-6-sol"))
    assert screen.verdict_kind == "refused"
    rejected, accepted = screen.cards
    assert rejected.outcome == "rejected by the API: 41,334 patches > 30,000"
    assert rejected.way_out.startswith("resize it to 6764×4512")
    assert accepted.outcome == "1,229 tokens · $0.0025"  # 1,229 × $2.00 / 1M
    assert 'class="pw-overlay"' in accepted.picture and "data:image/webp" in accepted.picture
    header, *rows = _table(screen.models_html)
    assert header == list(vr.MODELS_HEADER)
    names = [r[0].split(" · ")[0] for r in rows]
    assert "gpt-6-sol" in names and "gpt-image-2" not in names and "o1" not in names
    assert json.loads(screen.json)["rejected"] == 1


@pytest.mark.today("2026-12-03")
def test_models_without_the_tier_say_so():
    screen = vr.request_screen(responses({"type": "input_text", "text": "hello world"},
                                         model="gpt-6-sol"), tier="ultrafast")
    rows = {r[0].split(" · ")[0]: r for r in _table(screen.models_html)[1:]}
    assert rows["gpt-6-sol"][4] == "no Ultrafast tier"
    assert rows["gpt-6.2-sol"][4] == "$0.000012"  # 2 tokens × $2.00 / 1M × 3 (metering.md §9.2)


def test_only_the_first_cards_are_drawn_but_every_image_counts():
    one = data_url(image_bytes((32, 32), "PNG"), "image/png")
    screen = vr.request_screen(responses(*[image_part(one, "low")] * (vr.MAX_CARDS + 5)))
    assert (len(screen.cards), screen.more) == (vr.MAX_CARDS, 5)
    assert len(screen.estimate.images) == vr.MAX_CARDS + 5


def test_the_example_is_a_request_with_two_unknown_images():
    r = calc.estimate_request(vr.example_body())
    assert [i.status for i in r.images] == ["accepted", "accepted", "unknown", "unknown"]
    assert [i.tokens for i in r.images[:2]] == [14364, 5]  # 95 × 126 patches; 2 × 2 at low


def _table(html: str) -> list[list[str]]:
    (table,) = tables(html)
    return table


def test_cards_say_where_each_image_is_without_markup():
    screen = vr.request_screen(responses(image_part("https://e.com/<b>x</b>.png")))
    (card,) = screen.cards
    assert card.source == "https://e.com/<b>x</b>.png"  # plain text: the page escapes it
    assert card.picture is None and card.outcome.startswith("size unknown: a remote URL")
    assert card.title == "Image 1 · input[0].content[0]"
