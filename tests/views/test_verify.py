"""calc.views.verify: cost before a billed call, cache keys, the payload, result and log rows."""

from __future__ import annotations

import base64
import dataclasses
import io
import math
import random
from decimal import Decimal

import pytest
from PIL import Image

import calc
from calc.adapters.calibration_store import LogRow
from calc.adapters.openai_usage import Measurement, RateLimitedError, compare, make_client
from calc.engine.estimate import estimate
from calc.views import access as va
from calc.views import verify as vv
from calc.views.calibration import calibration_sizes, measurer, run_calibration
from tests.fakes.fake_openai import FakeOpenAI, PatchRule

KEY = "sk-proj-ViewTestKey0123456789abcdef"
OTHER = "sk-env-Zyx9876543210fedcba"

# --- what a check costs, before it is made -----------------------------------------------------


def test_count_is_free():
    p = vv.cost_preview(308, "gpt-5-mini", "count")
    assert (p.billed, p.usd, p.billed_calls) == (False, Decimal(0), 0)
    assert "free" in p.button.lower()


def test_run_cost_is_image_plus_allowance_at_input_price_plus_output_cap():
    # gpt-5-mini: $0.25 per 1M input (docs/metering.md §9), $2.00 per 1M output (catalogue).
    p = vv.cost_preview(308, "gpt-5-mini", "run")
    assert p.billed and p.billed_calls == 1
    assert (p.input_tokens, p.output_tokens) == (338, 16)
    assert p.usd == Decimal("0.0001165")  # ((308 + 30) × 0.25 + 16 × 2.00) / 1M, exactly
    assert p.button == "Run — pay about $0.00012"
    assert "$0.25/1M" in p.text and "16 output tokens" in p.text


def test_chat_costs_two_calls():
    p = vv.cost_preview(765, "gpt-4o", "chat")
    # gpt-4o: $2.50 in, $10.00 out; two calls, each with the allowance and the output cap.
    # ((765 + 60) × 2.50 + 32 × 10.00) / 1M, exactly
    assert p.billed_calls == 2 and p.usd == Decimal("0.0023825")
    assert p.button == "Chat Completions — pay about $0.0024"


def test_a_model_without_a_price_says_so_and_still_warns_it_is_billed(monkeypatch):
    # Every model of the 2026-12 catalogue has a price; a new model may come without one.
    unpriced = dataclasses.replace(calc.resolve_model("gpt-5.4-nano"), prices=())
    monkeypatch.setattr(vv, "resolve_model", lambda name: unpriced)
    p = vv.cost_preview(100, "gpt-5.4-nano", "run")
    assert p.usd is None and p.billed
    assert "price unknown" in p.button and "still bills" in p.text
    assert vv.again_label(p) == "Measure again — billed, price unknown"


def test_again_label_carries_the_cost():
    assert vv.again_label(vv.cost_preview(308, "gpt-5-mini", "count")) == "Measure again (free)"
    assert vv.again_label(vv.cost_preview(308, "gpt-5-mini", "run")) == \
        "Measure again — pay about $0.00012"


def test_unknown_method_is_refused():
    with pytest.raises(ValueError):
        vv.cost_preview(1, "gpt-4o", "batch")


# --- caching ------------------------------------------------------------------------------------


def test_cache_key_tells_every_part_apart():
    base = ("abc", "gpt-5-mini", "high", "low", "count", "api.openai.com")
    assert vv.cache_key(*base) == vv.cache_key(*base)
    for i, other in enumerate(("abd", "gpt-5-nano", "low", "high", "run", "127.0.0.1:1")):
        changed = list(base)
        changed[i] = other
        assert vv.cache_key(*changed) != vv.cache_key(*base)


def test_remember_keeps_the_newest_entries():
    store: dict = {}
    for i in range(5):
        vv.remember(store, i, str(i), limit=3)
    assert list(store) == [2, 3, 4]
    vv.remember(store, 2, "again", limit=3)  # refreshed: now the newest
    vv.remember(store, 5, "5", limit=3)
    assert list(store) == [4, 2, 5]


# --- the image as sent ---------------------------------------------------------------------------


def _noise(w: int, h: int) -> Image.Image:
    rng = random.Random(7)
    return Image.frombytes("RGB", (w, h), bytes(rng.randrange(256) for _ in range(w * h * 3)))


def _decode(url: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))


def test_payload_is_a_png_of_exactly_the_pixels():
    img = _noise(40, 30)
    url = vv.image_payload(img)
    assert url.startswith("data:image/png;base64,")
    back = _decode(url).convert("RGB")
    assert back.size == (40, 30) and back.tobytes() == img.tobytes()


def test_payload_falls_back_to_lossless_webp_then_refuses(monkeypatch):
    img = Image.new("RGB", (300, 200), (200, 30, 30))
    png = vv.image_payload(img)
    from calc.adapters.images import data_url

    webp = data_url(img, "WEBP")
    assert len(webp) < len(png)  # a flat colour: WEBP is the smaller of the two
    monkeypatch.setattr(vv, "MAX_PAYLOAD_BYTES", len(webp))
    url = vv.image_payload(img)
    assert url.startswith("data:image/webp;base64,")
    assert _decode(url).convert("RGB").tobytes() == img.tobytes()
    monkeypatch.setattr(vv, "MAX_PAYLOAD_BYTES", len(webp) - 1)
    with pytest.raises(vv.PayloadTooLargeError, match="300×200.*Resize"):
        vv.image_payload(img)


# --- one measurement against the fake -------------------------------------------------


@pytest.fixture(scope="module")
def fake():
    with FakeOpenAI(keys=(KEY,)) as f:
        yield f


def _png_url(w: int, h: int) -> str:
    return vv.image_payload(Image.new("RGB", (w, h), (90, 90, 90)))


def test_measure_compares_with_the_estimate(fake):
    fake.reset()
    client = make_client(KEY, fake.base_url, timeout=5)
    est = estimate(512, 512, "gpt-5-mini", "high")
    r = vv.measure(client, "count", estimate=est, image_url=_png_url(512, 512), detail="high")
    # docs/metering.md §16: gpt-5-mini 512×512 high bills 308 image tokens.
    assert (r.comparison.estimate, r.comparison.reported, r.comparison.verdict) == (
        308, 308, "exact")
    assert r.measurement.baseline == 5 + fake.framing  # "What is in this image?" + framing
    assert len(fake.requests) == 2
    level, text = vv.verdict_line(r.comparison)
    assert level == "success" and text.startswith("**Exact**")


def test_measure_reports_an_off_multiplier():
    with FakeOpenAI(keys=(KEY,)) as other:
        other.set_model("gpt-5-mini", PatchRule(1.5, "gpt-5-mini-2025-08-07"))
        client = make_client(KEY, other.base_url, timeout=5)
        est = estimate(512, 512, "gpt-5-mini", "high")
        r = vv.measure(client, "run", estimate=est, image_url=_png_url(512, 512), detail="high")
    assert r.comparison.reported == math.ceil(256 * 1.5) == 384
    assert r.comparison.verdict == "off" and r.comparison.implied_multiplier == Decimal("1.5")
    level, text = vv.verdict_line(r.comparison)
    assert level == "warning" and "×1.50" in text and "calibration run" in text
    rows = dict(vv.result_rows(r))
    assert rows["Model returned"] == "gpt-5-mini-2025-08-07"
    assert rows["Difference"] == "+76 tokens (+24.7 %)"
    assert rows["Output tokens"] == str(r.measurement.output_tokens)


def test_measure_lets_api_errors_through(fake):
    fake.reset()
    fake.fail_next("rate_limit")
    client = make_client(KEY, fake.base_url, timeout=5)
    with pytest.raises(RateLimitedError):
        vv.measure(client, "count", estimate=estimate(64, 64, "gpt-5-mini", "high"),
                   image_url=_png_url(64, 64), detail="high")


# --- rows shown ---------------------------------------------------------------------------------


def _measurement(method="count", with_image=322, baseline=14, cost=Decimal(0)) -> Measurement:
    return Measurement(method=method, model_requested="gpt-5-mini",
                       model_returned="gpt-5-mini" if method == "count" else "gpt-5-mini-2025",
                       detail="high", with_image=with_image, baseline=baseline,
                       output_tokens=0 if method == "count" else 7, cost_usd=cost,
                       endpoint_host="127.0.0.1:9")


def test_result_rows_for_a_count_within_framing():
    est = estimate(512, 512, "gpt-5-mini", "high")
    m = _measurement(with_image=14 + 318)  # 10 more than the 308 estimated
    r = vv.VerifyResult(m, est, compare(est, m), "2026-02-07T10:00:00+00:00")
    rows = dict(vv.result_rows(r))
    assert rows["Estimate"].startswith("308 image tokens (gpt-5-mini, detail high, billing rules")
    assert rows["Reported by the API"] == "318 image tokens = 332 with the image − 14 without"
    assert rows["Difference"] == "+10 tokens (+3.2 %)"
    assert rows["Baseline"].startswith("14 tokens")
    assert "names no model" in rows["Model returned"]
    assert rows["Cost of this measurement"] == "free"
    assert rows["Measured at"] == "2026-02-07 10:00:00 UTC"
    assert "Output tokens" not in rows
    assert vv.verdict_line(r.comparison)[0] == "info"


def test_result_rows_price_unknown():
    est = estimate(512, 512, "gpt-5-mini", "high")
    m = _measurement("chat", cost=None)
    rows = dict(vv.result_rows(vv.VerifyResult(m, est, compare(est, m), "x")))
    assert rows["Cost of this measurement"] == "price unknown"
    assert "billed chat call" in rows["Baseline"]


def _row(i: int, est: int, rep: int, method="count") -> LogRow:
    return LogRow(endpoint_host="h", model_requested="gpt-4o", model_returned="gpt-4o",
                  width=100 + i, height=50, detail="high", fidelity="low", method=method,
                  estimate=est, reported=rep, baseline=14, rules_version="v", id=i,
                  time=f"2026-02-07T10:00:0{i}.123+00:00")


def test_log_records_newest_first_with_the_difference():
    recs = vv.log_records([_row(1, 255, 255), _row(2, 765, 780)])
    assert [r["id"] for r in recs] == [2, 1]
    assert recs[0]["difference"] == 15 and recs[1]["difference"] == 0
    assert recs[0]["size"] == "102×50" and recs[0]["time (UTC)"] == "2026-02-07 10:00:02"
    assert vv.row_label(_row(2, 765, 780)) == "#2 · gpt-4o · 102×50 · count · 765 → 780"


def test_scatter_extent_covers_every_point():
    assert vv.scatter_extent([]) == (0, 2)
    lo, hi = vv.scatter_extent([_row(1, 255, 300), _row(2, 1000, 990)])
    assert lo == 0 and hi > 1000


def test_recording_keeps_every_point_measured_before_a_failure():
    seen = []

    def measure_fn(w, h):
        if w == 3:
            raise RateLimitedError("rate limited (429) — wait 7 s")
        return _measurement(with_image=14 + w)

    fn = vv.recording(measure_fn, lambda m, w, h: seen.append((w, h, m.image_tokens)))
    fn(1, 1)
    fn(2, 2)
    with pytest.raises(RateLimitedError):
        fn(3, 3)
    assert seen == [(1, 1, 1), (2, 2, 2)]


def test_calibration_records_and_fit(fake):
    fake.reset()
    client = make_client(KEY, fake.base_url, timeout=5)
    sizes = calibration_sizes("gpt-5-mini")
    result = run_calibration(measurer(client, model="gpt-5-mini"), "gpt-5-mini", sizes)
    recs = vv.calibration_records(result)
    assert len(recs) == len(sizes)
    by_size = {r["size"]: r for r in recs}
    # docs/metering.md §16: 512×512 → 256 patches → 308; 2048×768 → 1536 patches → 1844 (×1.2,
    # billing).
    assert by_size["512×512"]["patches"] == 256 and by_size["512×512"]["image tokens"] == 308
    assert by_size["2048×768"]["image tokens"] == 1844
    # the current guide also says ×1.2 (docs/metering.md §15: ×1.62 in 2025)
    assert by_size["512×512"]["documented rules"] == math.ceil(256 * 1.2) == 308
    assert {r["matches"] for r in recs if r["size"] != "1560×1040"} == {"billing, documented"}
    assert vv.calibration_fit(result) in ("×1.2", "×1.20")
    view = vv.calibration_view(result)
    assert view.level == "success" and view.verdict.startswith("**gpt-5-mini:** measured ×1\\.2")
    assert view.metrics[1:] == (("Catalogue, billing rules", "×1.2, budget 1,536"),
                                ("Catalogue, documented rules", "×1.2, budget 1,536"))
    assert view.records == recs


# --- the screen ---------------------------------------------------------------------------------

OPERATOR_BILLED = {va.KEY_NAME: KEY, va.ALLOW_BILLED: "1", va.SESSION_CAP: "0.10"}


def test_the_key_panel_says_whose_key_goes_where():
    none = vv.key_panel(va.resolve({}, {}, None, None), Decimal(0))
    assert (none.mode, none.key_field, none.forget) == (vv.NO_KEY, "OpenAI API key", False)
    operator = vv.key_panel(va.resolve(OPERATOR_BILLED, {}, None, None), Decimal("0.0001165"))
    assert operator.mode == (
        "🔑 **The app's key** (from OPENAI_API_KEY in Streamlit secrets "
        "(.streamlit/secrets.toml)) → **api\\.openai\\.com**, the endpoint the operator "
        "configured; billed checks on: this session may spend up to \\$0.10 (spent \\$0.00012).")
    assert operator.key_field.startswith("Or use your own OpenAI API key")
    visitor = vv.key_panel(va.resolve({}, {}, KEY, None), Decimal(0))
    assert visitor.forget and visitor.key_field is None and "Your own key" in visitor.mode
    assert KEY not in repr((none, operator, visitor))


def test_the_key_panel_holds_plain_http_until_confirmed():
    base = "http://93.184.215.14/v1"
    waiting = vv.key_panel(va.resolve({}, {}, KEY, base), Decimal(0))
    assert waiting.unencrypted.startswith("**93\\.184\\.215\\.14**: this endpoint is plain http")
    assert waiting.confirm == "Send my key to 93\\.184\\.215\\.14 unencrypted"
    done = vv.key_panel(va.resolve({}, {}, KEY, base, base), Decimal(0))
    assert done.unencrypted is None and done.confirmed.startswith("🔓 You confirmed")


SETTINGS = {"model": "gpt-5-mini", "detail": "high", "fidelity": "low", "rules": "billing",
            "tier": "standard"}


def test_the_image_check_estimates_and_prices_each_method():
    assert vv.image_check(None, SETTINGS) == vv.ImageCheck(None, None, None, None)
    check = vv.image_check((512, 512), SETTINGS)
    assert check.metric == ("Estimate · billing (measured) rules", "308 image tokens")
    assert check.estimate.tokens == 308 and check.problem is None
    # run: ((308 + 30) × 0.25 + 16 × 2.00) / 1M; chat: ((308 + 60) × 0.25 + 32 × 2.00) / 1M
    assert {m: p.usd for m, p in check.previews.items()} == {
        "count": Decimal(0), "run": Decimal("0.0001165"), "chat": Decimal("0.000156")}
    help_text = vv.no_key_help(check.previews, "gpt-5-mini")
    assert "a **Run** costs at most about \\$0.00012" in help_text


@pytest.mark.today("2026-12-03")
def test_a_rejected_image_has_no_estimate_to_send():
    # docs/metering.md §5: 7952×5304 on gpt-6-sol at auto → 249 × 166 = 41,334 patches
    check = vv.image_check((7952, 5304), dict(SETTINGS, model="gpt-6-sol", detail="auto"))
    assert check.estimate is None and check.previews is None
    assert "41,334 patches" in check.problem.replace("\\", "")
    assert check.problem.endswith("the API would answer HTTP 400. Choose detail high or a "
                                  "smaller image (Explore shows the largest accepted size).")


def test_measure_block_says_why_a_button_is_off():
    run = vv.cost_preview(308, "gpt-5-mini", "run")
    count = vv.cost_preview(308, "gpt-5-mini", "count")
    assert vv.measure_block(va.resolve({}, {}, None, None), count, Decimal(0)) == \
        "add an API key above to measure"
    off = va.resolve({va.KEY_NAME: KEY}, {}, None, None)
    assert vv.measure_block(off, count, Decimal(0)) is None
    assert va.ALLOW_BILLED in vv.measure_block(off, run, Decimal(0))
    on = va.resolve(OPERATOR_BILLED, {}, None, None)
    assert vv.measure_block(on, run, Decimal("0.1") - Decimal("0.0001165")) is None  # exactly
    assert "spending cap" in vv.measure_block(on, run, Decimal("0.1") - Decimal("0.0001164"))


def test_handed_choice_and_picture():
    assert vv.handed_choice({"model": "gpt-4o", "detail": "low", "junk": 1}) == dict(
        vv.DEFAULT_CHOICE, model="gpt-4o", detail="low")
    assert vv.handed_choice(None) == vv.DEFAULT_CHOICE
    assert vv.handed_picture({"image": object(), "label": "x"}) is None  # not a LoadedImage
    assert vv.handed_picture("not a dict") is None


def test_result_view_numbers():
    est = estimate(512, 512, "gpt-5-mini", "high")
    m = _measurement(with_image=14 + 318)
    view = vv.result_view(vv.VerifyResult(m, est, compare(est, m), "2026-02-07T10:00:00+00:00"))
    assert view.metrics == (("Estimate", "308"), ("Reported by the API", "318"),
                            ("Difference", "+10 (+3.2 %)"))
    assert view.level == "info" and view.reply is None


def test_scatter_figure_is_a_plain_spec():
    fig = vv.scatter_figure([_row(1, 255, 255), _row(2, 765, 780, method="run")])
    line, *points = fig["data"]
    assert line["x"][0] == 0 and line["x"][1] > 780 and line["name"] == "estimate = reported"
    assert [(p["name"], p["x"], p["y"]) for p in points] == [
        ("Count (free)", [255], [255]), ("Run (billed)", [765], [780])]


def test_each_calibration_point_is_logged_with_its_estimate():
    rows = []
    record = vv.calibration_recorder("gpt-5-mini", "billing",
                                     lambda row: rows.append(row) or "not written")
    assert record(_measurement(with_image=14 + 308), 512, 512) == "not written"
    [row] = rows
    # docs/metering.md §16: 512×512 on gpt-5-mini at high → 308
    assert (row.width, row.height, row.estimate, row.reported, row.detail) == (
        512, 512, 308, 308, "high")
    assert vv.log_session(True, "abc") is None and vv.log_session(False, "abc") == "abc"


# --- what a click may run, and the words the page shows for it ----------------------------------

MEASURE = ("sha", "gpt-5-mini", "auto", "low", "count", "api.openai.com")


@pytest.mark.parametrize(("request_", "key", "blocked", "done", "runs"), [
    (None, MEASURE, None, False, False),  # no click this run: a rerun never calls
    (dict(kind="measure", key=MEASURE, force=False), MEASURE, None, False, True),
    (dict(kind="measure", key=MEASURE, force=False), MEASURE, None, True, False),  # cached
    (dict(kind="measure", key=MEASURE, force=True), MEASURE, None, True, True),  # again
    (dict(kind="measure", key=MEASURE, force=True), MEASURE, "over the cap", False, False),
    (dict(kind="measure", key=MEASURE[:-1] + ("other.host",), force=True), MEASURE, None,
     False, False),  # a click for another case (another endpoint) does not run this one
    (dict(kind="models", key=("models",), force=False), ("models",), None, False, True),
    (dict(kind="models", key=("models",), force=False), MEASURE, None, False, False),
])
def test_a_call_runs_only_when_its_click_asked_and_nothing_blocks_it(request_, key, blocked,
                                                                     done, runs):
    assert vv.asked(request_, key, blocked=blocked, done=done) is runs


def test_a_free_check_counts_nothing_against_the_cap_and_says_it_is_free():
    count, run = (vv.cost_preview(308, "gpt-5-mini", m) for m in ("count", "run"))
    assert count.bound is None
    assert count.line.startswith("🆓 free: the count endpoint runs no model")
    assert run.bound == Decimal("0.0001165")  # ((308 + 30) × 0.25 + 16 × 2.00) / 1M
    assert run.line.startswith("💳 Billed: at most about $0.00012: 308 image tokens")


@pytest.mark.parametrize(("n", "words"), [(0, "0 rows"), (1, "1 row"), (2, "2 rows"),
                                          (1000, "1000 rows")])
def test_rows_word(n, words):
    assert vv.rows_word(n) == words


@pytest.mark.parametrize(("done", "total", "share", "text"), [
    (0, 4, 0.0, "Calibrating gpt-4o: 0 of 4 sizes"),
    (1, 4, 0.25, "Calibrating gpt-4o: 1 of 4 sizes"),
    (3, 3, 1.0, "Calibrating gpt-4o: 3 of 3 sizes"),
])
def test_calibration_progress(done, total, share, text):
    assert vv.calibration_progress(done, total, "gpt-4o") == (share, text)


@pytest.mark.today("2026-12-03")
def test_the_models_offered_keep_a_shut_down_choice_but_never_start_on_one():
    # On 2026-12-03 gpt-5-mini runs, gpt-4.1-nano is shut down, gpt-6-astra is listed first.
    assert vv.first_model("gpt-5-mini") == "gpt-5-mini"
    assert vv.first_model("gpt-4.1-nano") == "gpt-6-astra"
    current = vv.model_options("gpt-5-mini")
    assert current[0] == "gpt-6-astra" and "gpt-4.1-nano" not in current
    kept = vv.model_options("gpt-4.1-nano")
    assert kept == [*current, "gpt-4.1-nano"]
