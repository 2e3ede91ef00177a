"""The Plan page under AppTest: the issue's receipts question end to end, every figure checked
against sums of calc.estimate and the spec's prices (metering.md §9) done here; files at their
word and as a sample; a volume per month; tiers and long context; rate and request limits; the
advisor; a link that restores every setting of both views and the view (Generate); awkward files,
to the same known totals as the CLI."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import calc
from calc.__main__ import main
from calc.views.inert import md
from calc.views.plan import settings as ps
from calc.views.plan import workload as wl
from tests.fakes.apptest import address, page, run
from tests.fakes.apptest import shown as rendered
from tests.workload_cases import CASES, MODELS, Case

PAGE = page("plan.py")
PRICES = {"gpt-6-luna": ("0.10", "0.50"), "gpt-5.6-luna": ("0.20", "1.20"),
          "gpt-5.4-mini": ("0.75", "4.50"), "gpt-6-sol": ("2.00", "10.00"),
          "gpt-5.6-sol": ("5.00", "30.00"), "gpt-6-astra": ("10.00", "50.00")}  # in, out
# The prices above are the catalogue's edition day's (gpt-5.6-sol's from 2026-12-01).
pytestmark = pytest.mark.today("2026-12-03")
RECEIPTS = [(3024, 4032, 1_000_000), (1200, 1600, 1_000_000), (850, 1100, 489_170)]


def open_page(**query: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return run(at)


def figures(at: AppTest) -> dict[str, pd.Series]:
    table = next(d.value for d in at.dataframe if "$ / request" in d.value.columns)
    return {row["model"]: row for _, row in table.iterrows()}


def upload_csv(at: AppTest, text: str) -> AppTest:
    at.segmented_control(key="plan_source").set_value("csv").run()
    at.file_uploader(key="plan_csv").set_value(("receipts.csv", text.encode(), "text/csv"))
    return run(at)


def usd(amount: Fraction) -> str:
    return calc.format_usd(amount)


def receipts_csv() -> str:
    return "width,height,count\n" + "".join(f"{w},{h},{n}\n" for w, h, n in RECEIPTS)


def test_the_receipts_question_end_to_end():
    at = upload_csv(open_page(), receipts_csv())
    at.number_input(key="plan_rpd").set_value(40_000)
    at.number_input(key="plan_prompt").set_value(600)
    at.number_input(key="plan_output").set_value(300)
    run(at)
    assert any(i.value == "2,489,170 images from your CSV, once; then 40,000 a day."
               for i in at.info)
    shown = figures(at)
    assert set(shown) == set(PRICES)
    for model, (inp, out) in PRICES.items():
        inp, out = Fraction(Decimal(inp)), Fraction(Decimal(out))
        tokens = sum(n * calc.estimate(w, h, model).tokens for w, h, n in RECEIPTS)
        image = Fraction(tokens, 2_489_170) * inp / 10**6
        request = image + 600 * inp / 10**6 + 300 * out / 10**6
        row = shown[model]
        assert row["image input"] == usd(image)
        assert row["text input"] == usd(600 * inp / 10**6)
        assert row["output"] == usd(300 * out / 10**6)
        assert row["$ / request"] == usd(request)
        assert row["$ / day"] == usd(40_000 * request)
        assert row["$ / month"] == usd(30 * 40_000 * request)
        assert row["$ backlog"] == usd(tokens * inp / 10**6 + 2_489_170 * (request - image))
    months = [Fraction(v.replace("$", "").replace(",", "")) for v in
              next(d.value for d in at.dataframe if "$ / request" in d.value.columns)["$ / month"]]
    assert months == sorted(months)  # cheapest first


def test_a_file_as_one_day_and_as_a_sample():
    at = upload_csv(open_page(), receipts_csv())
    at.radio(key="plan_file_means").set_value("day").run()
    assert any(i.value.startswith("2,489,170 images a day from your CSV") for i in at.info)
    tokens = sum(n * calc.estimate(w, h, "gpt-6-luna").tokens for w, h, n in RECEIPTS)
    assert figures(at)["gpt-6-luna"]["$ / day"] == usd(tokens * Fraction(1, 10) / 10**6)
    at.radio(key="plan_file_means").set_value("sample").run()
    at.number_input(key="plan_rpd").set_value(1_000)
    run(at)
    assert any(i.value.startswith("The mix of your CSV, scaled to 1,000 images a day")
               for i in at.info)
    per_image = Fraction(tokens, 2_489_170) * Fraction(1, 10) / 10**6
    assert figures(at)["gpt-6-luna"]["$ / day"] == usd(1000 * per_image)


def test_tiers_long_context_and_cache_share():
    at = upload_csv(open_page(), "width,height,count\n2048,2048,100\n")
    at.multiselect(key="plan_models").set_value(["gpt-5.4", "gpt-6-sol"])
    at.number_input(key="plan_ipr").set_value(100)  # 100 × 3000 = 300,000 input tokens
    at.segmented_control(key="plan_tier").set_value("fast")
    run(at)
    shown = figures(at)
    assert "long context" in shown["gpt-5.4"]["notes"]
    image = Fraction(100 * 3000) * Fraction(Decimal("2.50")) * 2 * 2 / 10**6  # ×2 lc, ×2 tier
    assert shown["gpt-5.4"]["image input"] == usd(image)
    assert "Fast (priority) not confirmed for this model (gpt-6-sol)" in \
        shown["gpt-6-sol"]["notes"]
    at.number_input(key="plan_cached").set_value(50).run()
    rate = (Fraction(2) + Fraction(1, 5)) / 2 * 2  # half at $2, half at $0.20, priority
    tokens = 100 * calc.estimate(2048, 2048, "gpt-6-sol").tokens  # auto = original: no budget
    assert figures(at)["gpt-6-sol"]["image input"] == usd(tokens * rate / 10**6)


def test_rate_and_request_limits_and_rejections():
    at = upload_csv(open_page(), "width,height,count\n1024,1024,10\n7952,5304,5\n")
    at.multiselect(key="plan_models").set_value(["gpt-5.6-sol"])
    at.number_input(key="plan_tpm").set_value(90_000)
    at.number_input(key="plan_rpd").set_value(40_000)
    at.number_input(key="plan_ipr").set_value(1501)
    run(at)
    assert any("1,501 images per request" in e.value for e in at.error)
    rates = next(d.value for d in at.dataframe if "requests / min" in d.value.columns)
    assert rates.iloc[0]["requests / min"] == f"{90_000 // (1501 * 1229):,}"  # 0 → none
    rejected = next(d.value for d in at.dataframe if "size" in d.value.columns
                    and "images" in d.value.columns)
    assert rejected.iloc[0].tolist() == ["gpt-5.6-sol", "7952×5304", "5"]


def test_the_advisor_labels_and_marks_the_cheapest():
    at = open_page()
    advice = next(d.value for d in at.dataframe if "against as sent" in d.value.columns)
    for _, group in advice.groupby("model"):
        assert (group["best"] != "").sum() == 1
        assert not group[group["best"] != ""]["against as sent"].str.startswith("dearer").any()
    assert set(advice["against as sent"].str.split(" ").str[0]) <= {"—", "cheaper", "dearer",
                                                                    "the"}


def test_a_link_restores_every_setting_of_both_views():
    s = ps.Settings(source="mix", models=("gpt-5.4", "gpt-5.2"), detail="high",
                    rules="documented", file_means="month", backlog=123, rpd=456, days=22,
                    ipr=7, prompt=600, output=300, reasoning=50, cached=25, writes=3,
                    tier="flex", regional=True, tpm=90_000, rpm=500, shut_down=False)
    g = ps.GenSettings("gpt-image-2", "high", "1024x1536", 3, 2, 77, 20, "batch", False, "low")
    query = ps.to_query(s, g, ((1000, 800, 60.0), (640, 480, 40.0)))
    at = open_page(**query)
    assert not at.warning
    assert address(at) == query
    ss = at.session_state
    assert ss["plan_models"] == ["gpt-5.4", "gpt-5.2"] and ss["plan_rules"] == "documented"
    assert ss["plan_tier"] == "flex" and ss["plan_ipr"] == 7 and ss["plan_cached"] == 25
    at.segmented_control(key="plan_view").set_value("generate").run()
    assert at.session_state["gen_quality"] == "high" and at.session_state["gen_n"] == 3
    assert address(at) == query | {"view": "generate"}  # the view open is a setting too


def test_a_generate_link_reopens_on_generate():
    """metering.md §8.2: gpt-image-2 1024×1024 high is 7,024 tokens at $30 per 1M."""
    settings, gen = ps.Settings(view="generate"), ps.GenSettings(quality="high")
    at = open_page(**ps.to_query(settings, gen))
    assert at.segmented_control(key="plan_view").value == "generate"
    assert at.metric[0].label == "Per image" and at.metric[0].value == "$0.2107"
    presets = tuple((p.width, p.height, p.share) for p in wl.SIZE_PRESETS)
    assert address(at) == ps.to_query(settings, gen, presets)  # and the mix it keeps
    at.segmented_control(key="plan_view").set_value("workload").run()
    assert address(at)["view"] == "workload"
    assert any("$ / month" in d.value.columns for d in at.dataframe)


# The preset mix (share %, size) on gpt-6-luna at $0.10 per 1M input tokens (metering.md §9).
PRESET_MIX = [(40, 4032, 3024), (25, 1920, 1080), (15, 2550, 3300), (15, 1024, 1024),
              (5, 256, 256)]


@pytest.mark.parametrize("days", [30, 31])
def test_a_mix_stated_per_month_costs_that_many_requests_a_month(days):
    """3,000 requests a month are 3,000 / days a day (100 in a 30-day month), and the month's
    bill is exactly 3,000 requests."""
    at = open_page(models="gpt-6-luna", per="month", rpd="3000", days=str(days))
    a_day = "100" if days == 30 else "96.8"
    assert any(i.value == f"The mix of your size mix, scaled to 3,000 images a month ({a_day} a "
                          f"day over a {days}-day month)." for i in at.info)
    assert at.number_input(key="plan_rpd").label == "Requests per month (ongoing)"
    tokens = sum(Fraction(share, 100) * calc.estimate(w, h, "gpt-6-luna").tokens
                 for share, w, h in PRESET_MIX)
    request = tokens * Fraction(1, 10) / 10**6
    row = figures(at)["gpt-6-luna"]
    assert row["$ / month"] == usd(3000 * request)
    assert row["$ / day"] == usd(Fraction(3000, days) * request)
    assert address(at)["per"] == "month"


def test_a_file_plans_link_says_the_file_is_not_in_it():
    at = open_page(source="csv", rpd="40000")
    assert any("not your file" in w.value for w in at.warning)
    assert at.session_state["plan_rpd"] == 40_000


def test_generate_output_cost_known_answer():
    """metering.md §8.2: gpt-image-2 1024×1024 high → 7024 tokens at $30 per 1M = $0.2107."""
    at = open_page()
    at.segmented_control(key="plan_view").set_value("generate").run()
    at.segmented_control(key="gen_quality").set_value("high").run()
    assert at.metric[0].value == calc.format_usd(Decimal(7024) * 30 / 1_000_000) == "$0.2107"


# --- awkward files: the same literals as `python -m calc plan` (tests/test_cli_plan.py) ----------


def upload_case(case: Case) -> AppTest:
    at = open_page()
    at.multiselect(key="plan_models").set_value(list(MODELS))
    if case.images_source:
        at.segmented_control(key="plan_source").set_value("images").run()
        at.file_uploader(key="plan_images").set_value([(case.name, case.data,
                                                        "application/zip")])
    else:
        at.segmented_control(key="plan_source").set_value("csv").run()
        at.file_uploader(key="plan_csv").set_value((case.name, case.data, "text/csv"))
    return run(at)


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    return next((d.value for d in at.dataframe if column in d.value.columns), pd.DataFrame())


def page_totals(at: AppTest) -> dict[str, tuple[int, int, int]]:
    """Per model, from the per-image table: images, image tokens (Σ count × tokens) and images
    rejected (no tokens)."""
    per_image = next(d.value for d in at.dataframe
                     if any(str(c).endswith(" tokens") for c in d.value.columns))
    count = per_image["count"].astype("int64")
    out = {}
    for column in (c for c in per_image.columns if c.endswith(" tokens")):
        tokens = per_image[column]
        out[column.removesuffix(" tokens")] = (
            int(count.sum()), int((count * tokens.fillna(0).astype("int64")).sum()),
            int(count[tokens.isna()].sum()))
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_awkward_files_give_the_known_totals(case):
    at = upload_case(case)
    if case.error:
        shown = [e.value for e in (at.warning if case.images_source else at.error)]
        said = md(case.error) if case.images_source else \
            f"This CSV cannot be used: {md(case.error)}"
        assert said in shown
        assert not any("$ / request" in d.value.columns for d in at.dataframe)
        return
    skipped = table_with(at, "why")
    bad_rows = table_with(at, "reason")
    bad = [(str(f), w) for f, w in skipped.to_numpy().tolist()] + [
        (str(row[0]), row[-1]) for row in bad_rows.to_numpy().tolist()]
    assert bad == list(case.bad)
    assert page_totals(at) == {model: (case.images, tokens, rejected) for model, tokens, rejected
                               in zip(MODELS, case.tokens, case.rejected, strict=True)}
    assert any(rendered(i.value).startswith(f"{case.images:,} images from ") for i in at.info)
    if case.images_source:
        assert len(table_with(at, f"{MODELS[0]} tokens")) + len(bad) == case.rows
    else:
        assert any(rendered(c.value).startswith(f"{case.rows:,} row{'s' * (case.rows != 1)} read: ")
                   for c in at.caption)


def test_a_files_own_text_is_shown_short_and_inert():
    names = ",".join(f"[col {i}](https://example.com/{'x' * 300})" for i in range(3000))
    at = upload_csv(open_page(), f"width,height,**{'h' * 5000}**,{names}\n1024,1024\n")
    (notice,) = [rendered(c.value) for c in at.caption if "Columns not used" in c.value]
    assert len(notice) < 600 and notice.endswith("and 2,993 more.")
    assert "**" in notice and "[col 0](https:" in notice  # Markdown shown as typed, no link
    assert all(len(c.value) < 2_100 for c in at.caption)
    at = upload_csv(at, f"size,**{'w' * 5000}**\n1,2\n")
    (error,) = [rendered(e.value) for e in at.error]
    assert len(error) < 400 and "no width or height column" in error and "**" in error


def test_a_file_of_many_batches_is_streamed_with_a_progress_bar(monkeypatch, tmp_path, capsys):
    """The page never switches pipelines by size: every file is read batch by batch (here 1 KB
    at a time), with the view's callback feeding the bar, to the CLI's totals."""
    from calc.adapters import manifest_files
    from calc.views import manifest

    monkeypatch.setattr(manifest_files, "BLOCK_BYTES", 1024)
    reports: list[float] = []
    real = manifest.read_manifest

    def spy(source, name, on_progress):
        return real(source, name, lambda share, text: (reports.append(share),
                                                          on_progress(share, text)))

    monkeypatch.setattr(manifest, "read_manifest", spy)
    text = "width,height,count\n" + "".join(f"{w},{w // 2 + 1},{w % 4}\n" for w in range(1, 2001))
    at = upload_csv(open_page(), text)
    assert len(reports) > 20 and reports[-1] == 1.0
    assert not at.get("progress")  # emptied once the file is read
    (tmp_path / "m.csv").write_text(text)
    assert main(["plan", str(tmp_path / "m.csv"), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert cli["bad_rows"] == 500  # count 0 on every fourth line
    assert any(w.value.startswith("500 lines left out") for w in at.warning)
    assert page_totals(at) == {m["model"]: (m["images"], m["image_tokens"], m["rejected"])
                               for m in cli["models"]}
    images = sum(w % 4 for w in range(1, 2001))  # 1 + 2 + 3 on each run of four lines
    assert cli["models"][0]["images"] == images == 3000
    assert any(i.value.startswith("3,000 images from your CSV") for i in at.info)
