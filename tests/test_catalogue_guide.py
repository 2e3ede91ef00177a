"""docs/updating-the-catalogue.md, done as it says: its ```toml blocks applied to a copy of the
bundled catalogue, the copy checked, and the guide's answers — worked by hand, written here as
literals and in the guide — given by `python -m calc` on that copy."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from calc.engine.catalogue import CATALOGUE_PATH
from calc.engine.catalogue_check import ENV, check_file

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "updating-the-catalogue.md"
TOML_BLOCK = re.compile(r"^```toml\n(.*?)^```$", re.S | re.M)
TEXT_BLOCK = re.compile(r"^```text\n(.*?)^```$", re.S | re.M)
HEADER = re.compile(r"^\[[^\]]+\]$")
# A table's entry runs from its name to the next table, or to a "# ---- section" rule.
NEXT_TABLE = re.compile(r"^(\[|# ----)", re.M)

# The worked example's day: the copy is checked that day, so no "prices checked" note.
DAY = "2027-01-20"


def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def apply(catalogue: str, block: str) -> str:
    """One block put in the file as the guide says: a known table's entry replaced, a new table
    added, or (no table name) those lines at the top of the file changed."""
    first = block.splitlines()[0]
    if HEADER.match(first):
        at = catalogue.find(f"\n{first}\n")
        if at < 0:
            return catalogue.rstrip("\n") + "\n\n" + block
        start = at + 1
        nxt = NEXT_TABLE.search(catalogue, start + len(first))
        end = nxt.start() if nxt else len(catalogue)
        return catalogue[:start] + block + "\n" + catalogue[end:]
    for line in block.splitlines():
        key = line.split("=", 1)[0].strip()
        catalogue, n = re.subn(rf"^{re.escape(key)} = .*$", line, catalogue, count=1, flags=re.M)
        assert n == 1, f"the guide changes {key!r}, which the catalogue does not have"
    return catalogue


def worked_example() -> str:
    text = CATALOGUE_PATH.read_text(encoding="utf-8")
    for block in TOML_BLOCK.findall(guide()):
        text = apply(text, block)
    return text


@pytest.fixture
def updated(tmp_path) -> Path:
    path = tmp_path / "catalogue.toml"
    path.write_text(worked_example(), encoding="utf-8")
    return path


def calc_cli(*args: str, catalogue: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != ENV}
    if catalogue is not None:
        env[ENV] = str(catalogue)
    return subprocess.run([sys.executable, "-m", "calc", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60)


def test_the_guide_has_the_four_changes_and_the_day_in_toml():
    blocks = TOML_BLOCK.findall(guide())
    assert [b.splitlines()[0] for b in blocks] == [
        'as_of = "2027-01-20"', '[models."gpt-6.3-luna"]', '[models."gpt-6-luna"]',
        '[models."gpt-6.1-sol"]', '[models."gpt-5.4-mini"]']


def test_applying_a_block_replaces_only_its_own_table():
    before = CATALOGUE_PATH.read_text(encoding="utf-8")
    after = apply(before, '[models."gpt-6-luna"]\nfamily = "patch"\nprofile = "gpt-6-like"\n'
                          'multiplier = "1.2"\nprices = []\n')
    assert after.count('[models."gpt-6-luna"]') == 1 and '[models."gpt-6.1-sol"]' in after
    book, found = check_file_text(after)
    assert found == ["model gpt-6-luna: no price"]


def check_file_text(text: str):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalogue.toml"
        path.write_text(text, encoding="utf-8")
        return check_file(path)


def test_the_worked_example_passes_the_check(updated):
    book, found = check_file(updated)
    assert found == []
    assert (book.version, book.checked, len(book.models)) == ("2027-01-20.1", "2027-01-20", 40)
    new = book.models["gpt-6.3-luna"]
    assert (new.released, new.tiers, new.profile.name) == ("2027-01-20", ("batch",), "gpt-6-like")
    assert book.models["gpt-5.4-mini"].replacements == ("gpt-6.3-luna",)


@pytest.mark.today(DAY)
def test_the_check_prints_what_the_guide_shows(updated):
    shown = TEXT_BLOCK.findall(guide())[0].splitlines()
    out = calc_cli("catalogue", "check", "--file", str(updated), "--on", DAY)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == f"{updated}{shown[0].removeprefix('calc/data/catalogue.toml')}"
    assert lines[1:] == shown[1:] == [
        "scheduled in the next 90 days:",
        "  2027-02-01: gpt-6-luna input $0.10 → $0.12 per 1M (output $0.50 → $0.60)",
        "  2027-02-15: gpt-6.1-sol Ultrafast 6× → 5×",
        "  2027-03-01: gpt-6.2-sol Ultrafast 3× → 6×",
        "  2027-04-01: gpt-5.4-nano, gpt-5.1 shut down",
        "  2027-04-15: gpt-5.4-mini shut down → gpt-6.3-luna",
    ]


# (command, what it prints): 1024×1024 at auto on a gpt-6 model is 32 × 32 = 1,024 patches
# × 1.2 → 1,229 tokens; gpt-5.4-mini's auto is high, the same 1,229 tokens at $0.75 → $0.00092
ANSWERS = [
    ("python -m calc 1024x1024 --model gpt-6.3-luna --on 2027-01-20 --json",
     '"usd": "0.00009832"'),  # 1,229 × $0.08 / 1M
    ("python -m calc 1024x1024 --model gpt-6-luna --on 2027-01-31 --json",
     '"usd": "0.0001229"'),  # × $0.10, the old price's last day
    ("python -m calc 1024x1024 --model gpt-6-luna --on 2027-02-01 --json",
     '"usd": "0.00014748"'),  # × $0.12
    ("python -m calc 1024x1024 --model gpt-6.1-sol --tier ultrafast --on 2027-02-14 --json",
     '"usd": "0.014748"'),  # × $2.00 × 6
    ("python -m calc 1024x1024 --model gpt-6.1-sol --tier ultrafast --on 2027-02-15 --json",
     '"usd": "0.01229"'),  # × $2.00 × 5
    ("python -m calc 1024x1024 --model gpt-5.4-mini --on 2027-04-14",
     "shuts down 2027-04-15 → gpt-6.3-luna: $0.000098 instead of $0.00092 for this image"),
]


def test_the_guide_gives_these_answers():
    rows = re.findall(r"^\| `(python -m calc [^`]+)` \| `([^`]+)`", guide(), re.M)
    assert rows == ANSWERS


@pytest.mark.today(DAY)
@pytest.mark.parametrize(("command", "answer"), ANSWERS, ids=[a[0][29:] for a in ANSWERS])
def test_calc_gives_the_guides_answers_on_the_updated_file(updated, command, answer):
    out = calc_cli(*command.split()[3:], catalogue=updated)
    assert out.returncode == 0, out.stderr
    assert answer in out.stdout


@pytest.mark.today(DAY)
def test_the_shut_down_model_leaves_the_list_on_its_day(updated):
    assert "from 2027-04-15 on, `python -m calc 1024x1024 --model all` no longer lists" in guide()
    before = calc_cli("1024x1024", "--model", "all", "--on", "2027-04-14", catalogue=updated)
    after = calc_cli("1024x1024", "--model", "all", "--on", "2027-04-15", catalogue=updated)
    assert "gpt-5.4-mini " in before.stdout and "gpt-6.3-luna " in before.stdout
    assert "gpt-5.4-mini " not in after.stdout and "gpt-6.3-luna " in after.stdout


# The slips the guide lists: (what to change in the worked example's file, what the check says)
SLIPS = [
    (('until = "2027-01-31", ', ""),
     "model gpt-6-luna: periods overlap (one has no end before the next begins)"),
    (('from = "2027-02-01"', 'from = "2027-02-02"'),
     "model gpt-6-luna: no price or factor from 2027-02-01 to 2027-02-01"),
    (('replacements = ["gpt-6.3-luna"]', 'replacements = ["gpt-6.3-lune"]'),
     "model gpt-5.4-mini: replacement 'gpt-6.3-lune' is not in the catalogue"),
    (('as_of = "2027-01-20", source = "pricing page", confidence = "documented"',
      'as_of = "2027-01-20", source = "pricing page", confidence = "official"'),
     "model gpt-6.3-luna, price row: confidence 'official' is not one of ('documented', "
     "'measured', 'inferred', 'derived')"),
    (('as_of = "2027-01-20", source = "pricing page", confidence',
      'as_of = "2027-01-20", source = "", confidence'),
     "model gpt-6.3-luna, price row: no source"),
    (('factor = "5", from', 'factor = "50", from'),
     "model gpt-6.1-sol, tier ultrafast: factor 50 out of range (0 to 10)"),
    (('{ input = "0.75",', '{ until = "2027-01-31", input = "0.75",'),
     "model gpt-5.4-mini: no price after 2027-01-31 (it runs until 2027-04-14)"),
]


@pytest.mark.parametrize(("change", "said"), SLIPS, ids=[s[1][:40] for s in SLIPS])
def test_each_slip_in_the_guide_is_what_the_check_says(tmp_path, change, said):
    assert f"| `{said}` |" in guide()
    text = worked_example()
    assert text.count(change[0]) == 1, change[0]
    path = tmp_path / "catalogue.toml"
    path.write_text(text.replace(*change), encoding="utf-8")
    out = calc_cli("catalogue", "check", "--file", str(path))
    assert out.returncode == 1
    assert out.stdout.splitlines() == [f"{path}: 1 problem(s)", f"  {said}"]
