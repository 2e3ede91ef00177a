"""`python -m calc catalogue check` as a maintainer runs it, and PATCHWORK_CATALOGUE as an operator
sets it: subprocesses, stdout, stderr and the exit code. The expected lines are written out from
the spec's dates (§9.1, §10 of docs/metering.md: shutdowns, replacements, gpt-6.2-sol's
Ultrafast), never taken from the code."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from calc.engine.catalogue import CATALOGUE_PATH
from calc.engine.catalogue_check import ENV

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = CATALOGUE_PATH.read_text(encoding="utf-8")

NEXT_90_DAYS_FROM_2026_12_03 = [
    "scheduled in the next 90 days:",
    "  2026-12-11: gpt-5-mini shut down → gpt-6.1-terra",
    "  2026-12-11: gpt-5-nano, o3 shut down",
    "  2026-12-11: gpt-5 shut down → gpt-6.1-sol",
    "  2027-01-14: gpt-4.1-mini, gpt-4o, gpt-4.1, gpt-4o-mini shut down → gpt-6-luna",
    "  2027-03-01: gpt-6.2-sol Ultrafast 3× → 6×",
]


def run(*args: str, catalogue: Path | str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != ENV}
    if catalogue is not None:
        env[ENV] = str(catalogue)
    return subprocess.run([sys.executable, "-m", "calc", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60)


def check(*args: str, catalogue: Path | str | None = None) -> subprocess.CompletedProcess:
    return run("catalogue", "check", *args, catalogue=catalogue)


def entry(text: str, model: str) -> tuple[int, int]:
    """Where a model's table starts and ends in the catalogue's text."""
    start = text.index(f'\n[models."{model}"]\n') + 1
    nxt = re.compile(r"^(\[|# ----)", re.M).search(text, start + 10)
    return start, nxt.start() if nxt else len(text)


def edit(model: str, old: str, new: str, text: str = BUNDLED) -> str:
    """The catalogue with `old` replaced by `new` inside one model's table (exactly once)."""
    start, end = entry(text, model)
    block = text[start:end]
    assert block.count(old) == 1, (model, old)
    return text[:start] + block.replace(old, new) + text[end:]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalogue.toml"
    path.write_text(text, encoding="utf-8")
    return path


# ---- the bundled catalogue -------------------------------------------------------------------

@pytest.mark.today("2026-12-03")
def test_the_bundled_catalogue_is_whole_and_lists_the_next_90_days():
    out = check("--on", "2026-12-03")
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"{CATALOGUE_PATH}: whole — ")
    assert lines[0].endswith(", checked 2026-12-03")
    assert lines[1:] == NEXT_90_DAYS_FROM_2026_12_03


@pytest.mark.today("2026-12-03")
def test_more_days_reach_the_april_shutdowns():
    out = check("--on", "2026-12-03", "--days", "120")
    assert out.stdout.splitlines()[1:] == [
        "scheduled in the next 120 days:", *NEXT_90_DAYS_FROM_2026_12_03[1:],
        "  2027-04-01: gpt-5.4-nano, gpt-5.1 shut down"]


@pytest.mark.today("2026-12-03")
def test_a_day_with_nothing_ahead():
    out = check("--on", "2027-04-02")
    assert out.returncode == 0
    assert out.stdout.splitlines()[1:] == ["nothing scheduled in the next 90 days"]


@pytest.mark.parametrize(("today", "note"), [
    ("2027-01-02", None),  # 30 days after the check
    ("2027-01-03", "note: prices checked 2026-12-03, 31 days ago — check OpenAI's pricing page"),
])
def test_an_old_catalogue_says_so(today, note, monkeypatch):
    monkeypatch.setenv("PATCHWORK_TODAY", today)
    lines = check("--on", "2026-12-03").stdout.splitlines()
    assert [line for line in lines if line.startswith("note:")] == ([note] if note else [])


def test_a_bad_day_is_a_usage_error():
    out = check("--on", "2026-13-01")
    assert out.returncode == 2 and out.stdout == ""
    assert "'2026-13-01' is not a day: use YYYY-MM-DD" in out.stderr


# ---- broken copies: exit 1 and every problem named -------------------------------------------

BROKEN = [  # (model, old, new) → the one problem the check names
    pytest.param("gpt-5.6-sol", 'until = "2026-11-30"', 'until = "2026-12-05"',
                 "model gpt-5.6-sol: periods overlap (2026-12-01 begins before 2026-12-05 ends)",
                 id="overlapping period"),
    pytest.param("gpt-5.6-sol", 'from = "2026-12-01"', 'from = "2026-12-04"',
                 "model gpt-5.6-sol: no price or factor from 2026-12-01 to 2026-12-03",
                 id="gap"),
    pytest.param("gpt-6-luna", 'source = "pricing page"', 'source = " "',
                 "model gpt-6-luna, price row: no source", id="missing source"),
    pytest.param("gpt-6-luna", 'confidence = "documented"', 'confidence = "likely"',
                 "model gpt-6-luna, price row: confidence 'likely' is not one of ('documented', "
                 "'measured', 'inferred', 'derived')", id="bad confidence"),
    pytest.param("gpt-5-mini", '["gpt-6.1-terra"]', '["gpt-6.1-tera"]',
                 "model gpt-5-mini: replacement 'gpt-6.1-tera' is not in the catalogue",
                 id="replacement that does not exist"),
    pytest.param("gpt-5.5", 'factor = "2.5"', 'factor = "25"',
                 "model gpt-5.5, tier fast: factor 25 out of range (0 to 10)",
                 id="factor out of range"),
    pytest.param("gpt-6.2-sol", 'factor = "3"', 'factor = "0"',
                 "model gpt-6.2-sol, tier ultrafast: factor 0 out of range (0 to 10)",
                 id="factor of zero"),
    pytest.param("gpt-5-mini", '{ input = "0.25"', '{ until = "2026-12-01", input = "0.25"',
                 "model gpt-5-mini: no price after 2026-12-01 (it runs until 2026-12-10)",
                 id="price ending before the shutdown"),
    pytest.param("gpt-6-luna", 'prices = [', 'old_prices = [',
                 "model gpt-6-luna: no price", id="model with no price"),
    pytest.param("gpt-6-sol", 'profile = "gpt-6-like"\n', '',
                 "model gpt-6-sol: a patch model needs a sizing profile", id="no sizing"),
    pytest.param("gpt-5.4-nano", 'shutdown = "2027-04-01"', 'shutdown = "2027-4-1"',
                 "model gpt-5.4-nano: shutdown '2027-4-1' is not a YYYY-MM-DD date",
                 id="bad shutdown date"),
    pytest.param("gpt-6.1-terra", '"background-8h"]', '"background-9h"]',
                 "model gpt-6.1-terra: unknown tier 'background-9h'", id="unknown tier"),
]


@pytest.mark.parametrize(("model", "old", "new", "problem"), BROKEN)
def test_a_broken_copy_fails_with_its_problem_named(tmp_path, model, old, new, problem):
    path = write(tmp_path, edit(model, old, new))
    out = check("--file", str(path))
    assert out.returncode == 1, out.stdout
    assert out.stdout.splitlines() == [f"{path}: 1 problem(s)", f"  {problem}"]


def test_every_problem_is_listed_not_just_the_first(tmp_path):
    text = edit("gpt-5-mini", '["gpt-6.1-terra"]', '["gpt-6.1-tera"]')
    text = edit("gpt-5.5", 'factor = "2.5"', 'factor = "25"', text)
    path = write(tmp_path, text)
    out = check("--file", str(path))
    assert out.returncode == 1
    assert out.stdout.splitlines() == [
        f"{path}: 2 problem(s)",
        "  model gpt-5.5, tier fast: factor 25 out of range (0 to 10)",
        "  model gpt-5-mini: replacement 'gpt-6.1-tera' is not in the catalogue"]


def test_a_file_that_is_not_toml(tmp_path):
    path = write(tmp_path, BUNDLED + "\n[models.\n")
    out = check("--file", str(path))
    assert out.returncode == 1
    assert out.stdout.startswith(f"{path}: 1 problem(s)\n  cannot read catalogue.toml: "
                                 "TOMLDecodeError: ")


def test_a_missing_file():
    out = check("--file", "/nonexistent/catalogue.toml")
    assert out.returncode == 1
    assert "cannot read catalogue.toml: FileNotFoundError" in out.stdout


@pytest.mark.today("2026-12-03")
def test_the_checked_files_own_schedule_is_listed(tmp_path):
    # gpt-6-luna's price changes on 2027-02-01 in this copy only
    text = edit("gpt-6-luna", "{ input = \"0.10\"", '{ until = "2027-01-31", input = "0.10"')
    start, end = entry(text, "gpt-6-luna")
    text = text[:end].rstrip("]\n") + ('\n  { from = "2027-02-01", input = "0.12", '
                                       'output = "0.60", as_of = "2026-12-03", source = "test", '
                                       'confidence = "documented" },\n]\n\n') + text[end:]
    out = check("--file", str(write(tmp_path, text)), "--on", "2026-12-03")
    assert out.returncode == 0, out.stdout
    assert out.stdout.splitlines()[1:] == [
        *NEXT_90_DAYS_FROM_2026_12_03[:5],
        "  2027-02-01: gpt-6-luna input $0.10 → $0.12 per 1M (output $0.50 → $0.60)",
        NEXT_90_DAYS_FROM_2026_12_03[5]]


# ---- PATCHWORK_CATALOGUE ---------------------------------------------------------------------

REPORT = ("import calc; c = calc.catalogue(); "
          "print(c.version, c.path, repr(c.fallback), calc.CATALOGUE_VERSION, sep='\\n')")


def newer(tmp_path: Path) -> Path:
    """A good operator's file: a new edition, gpt-6-luna at $0.20 input."""
    text = BUNDLED.replace('version = "2026-12-03.1"', 'version = "2026-12-20.1"')
    return write(tmp_path, edit("gpt-6-luna", 'input = "0.10"', 'input = "0.20"', text))


@pytest.mark.today("2026-12-03")
def test_a_good_operators_file_is_used(tmp_path):
    path = newer(tmp_path)
    out = subprocess.run([sys.executable, "-c", REPORT], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, ENV: str(path)}, timeout=60)
    assert out.stdout.splitlines() == ["2026-12-20.1", str(path), "''", "2026-12-20.1"]
    assert "Patchwork" not in out.stderr
    priced = run("1024x1024", "--model", "gpt-6-luna", "--json", catalogue=path)
    assert '"usd": "0.0002458"' in priced.stdout  # 1,229 tokens × $0.20 / 1M
    assert check(catalogue=path).stdout.startswith(f"{path}: whole — ")


def test_a_failing_operators_file_falls_back_to_the_bundled_one(tmp_path):
    path = write(tmp_path, edit("gpt-6-luna", "prices = [", "old_prices = ["))
    out = subprocess.run([sys.executable, "-c", REPORT], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, ENV: str(path)}, timeout=60)
    version, used, fallback, public = out.stdout.splitlines()
    assert (version, used, public) == ("2026-12-03.1", str(CATALOGUE_PATH), "2026-12-03.1")
    assert fallback == ("'the catalogue file named by PATCHWORK_CATALOGUE fails the check: model "
                        "gpt-6-luna: no price; running on the bundled catalogue'")
    assert ("Patchwork: the catalogue file named by PATCHWORK_CATALOGUE fails the check: model "
            "gpt-6-luna: no price; running on the bundled catalogue") in out.stderr
    # the operator's check names the file's problems, though the app runs on
    refused = check(catalogue=path)
    assert refused.returncode == 1
    assert refused.stdout.splitlines() == [f"{path}: 1 problem(s)", "  model gpt-6-luna: no price"]


def test_more_than_one_problem_is_counted_in_the_fallback(tmp_path):
    text = edit("gpt-6-luna", "prices = [", "old_prices = [")
    path = write(tmp_path, edit("gpt-5.5", 'factor = "2.5"', 'factor = "25"', text))
    out = subprocess.run([sys.executable, "-c", REPORT], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, ENV: str(path)}, timeout=60)
    # gpt-6-luna comes before gpt-5.5 in the file: its problem is named, the other counted
    assert ("fails the check: model gpt-6-luna: no price (and 1 more); running on the bundled "
            "catalogue") in out.stdout


def test_a_missing_operators_file_falls_back_too(tmp_path):
    out = subprocess.run([sys.executable, "-c", REPORT], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, ENV: str(tmp_path / "none.toml")}, timeout=60)
    assert out.stdout.splitlines()[1] == str(CATALOGUE_PATH)
    assert "cannot read none.toml: FileNotFoundError" in out.stdout.splitlines()[2]
    assert "running on the bundled catalogue" in out.stderr



class _LeftEarly:
    """A stdout whose reader has gone (`| head`): every write is a broken pipe."""

    def __init__(self, fd: int):
        self.fd = fd

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        return self.fd


@pytest.mark.parametrize(("text", "code"), [(BUNDLED, 0), (edit("gpt-6-luna", "prices = [",
                                                                 "old_prices = ["), 1)])
def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path, monkeypatch, text, code):
    from calc.cli_catalogue import main

    path = write(tmp_path, text)
    with open(tmp_path / "stdout", "w") as sink:
        monkeypatch.setattr(sys, "stdout", _LeftEarly(sink.fileno()))
        assert main(["check", "--file", str(path)]) == code  # the exit code still tells
