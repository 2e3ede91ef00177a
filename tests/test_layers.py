"""The design's layering, enforced: calc's contracts (import-linter, .importlinter) and the pages.

calc: views above adapters above the engine; nothing in calc imports Streamlit; the engine does no
I/O; Plan's views (calc/views/plan/) in layers, the screen above its parts. Pages: `pages/*.py`
are the five pages; they use calc's engine and views, never the adapters. Each rule is also shown
failing once on a deliberately broken import.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PAGES = {"explore.py", "plan.py", "request.py", "verify.py", "metered.py"}


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_calc_contracts_are_kept():
    out = lint_imports(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    contracts = (ROOT / ".importlinter").read_text().count("[importlinter:contract:")
    assert f"{contracts} kept, 0 broken" in out.stdout


@pytest.mark.parametrize("module, line, contract", [
    ("engine/pricing.py", "from calc.views import plan", "views above adapters above the engine"),
    ("engine/rules.py", "from calc.adapters import images", "views above adapters"),
    ("adapters/url_fetch.py", "from calc.views import samples", "views above adapters"),
    ("views/plan/screen.py", "import streamlit", "calc never imports Streamlit"),
    ("views/plan/table.py", "from calc.views.plan import screen", "Plan's views: the screen above"),
    ("views/plan/totals.py", "from calc.views.plan import figures", "Plan's views"),
    ("views/plan/export.py", "from calc.views.plan import generate", "Plan's views"),
    ("engine/estimate.py", "import sqlite3", "the engine does no I/O"),
])
def test_a_broken_import_breaks_the_build(tmp_path, module, line, contract):
    shutil.copytree(ROOT / "calc", tmp_path / "calc",
                    ignore=shutil.ignore_patterns("__pycache__", "samples"))
    shutil.copy(ROOT / ".importlinter", tmp_path)
    target = tmp_path / "calc" / module
    target.write_text(target.read_text() + f"\n{line}  # deliberately broken\n")
    out = lint_imports(tmp_path)
    assert out.returncode != 0
    broken = [ln for ln in out.stdout.splitlines() if ln.rstrip().endswith("BROKEN")]
    assert any(contract in ln for ln in broken), out.stdout


def adapter_imports(source: str) -> list[str]:
    """calc.adapters modules a page's source imports (directly, in any form)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("calc.adapters")]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("calc.adapters"):
                found.append(node.module)
            elif node.module == "calc":
                found += [f"calc.{a.name}" for a in node.names if a.name == "adapters"]
    return found


def page_sources() -> list[Path]:
    return sorted((ROOT / "pages").rglob("*.py"))


def test_pages_folder_holds_the_five_pages_and_nothing_else():
    assert {p.name for p in (ROOT / "pages").glob("*.py")} == PAGES


@pytest.mark.parametrize("path", page_sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_never_import_adapters(path):
    assert adapter_imports(path.read_text()) == []


@pytest.mark.parametrize("source", [
    "from calc.adapters import images",
    "from calc.adapters.url_fetch import fetch_image",
    "import calc.adapters.openai_usage",
    "from calc import adapters",
    "def f():\n    from calc.adapters.calibration_store import CalibrationLog",
])
def test_the_page_rule_catches_a_deliberately_broken_import(source):
    assert adapter_imports(source)


def test_the_page_rule_lets_views_and_engine_through():
    assert adapter_imports("import calc\nfrom calc.views import plan\nfrom calc.engine import rules"
                           ) == []


# ---- pages are pages; nobody reaches into Streamlit's private modules -----------------------

HELPER_MARKERS = ("def ensure_router", "st.cache_resource", "go.Figure(")
PRIVATE = ("streamlit.runtime", "streamlit.web", "streamlit.elements", "streamlit.proto",
           "streamlit.commands", "streamlit.navigation", "streamlit.source_util")


def private_streamlit_imports(source: str) -> list[str]:
    """Streamlit modules outside its public API (`streamlit`, `streamlit.testing`) imported, or
    named in a string (a logger's name, importlib): either way the code leans on its insides."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names += [w for w in node.value.split() if w.startswith(PRIVATE)]
    return [n for n in names if n.startswith(PRIVATE) or n.split(".")[-1].startswith("_")
            and n.startswith("streamlit")]


def test_no_file_in_pages_is_a_helper_module():
    for path in (ROOT / "pages").glob("*.py"):
        source = path.read_text()
        assert "ensure_router(__file__)" in source.split("\n\n\n")[0] + source[:2000], path.name
        assert not any(m in source for m in HELPER_MARKERS[:1]), path.name
    assert (ROOT / "pages" / "helpers" / "__init__.py").exists()


@pytest.mark.parametrize("path", [ROOT / "app.py", *page_sources()],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_imports_streamlit_private_modules(path):
    assert private_streamlit_imports(path.read_text()) == []


def test_the_private_rule_catches_the_old_router():
    assert private_streamlit_imports("from streamlit.runtime.pages_manager import PagesManager")
    assert private_streamlit_imports("import streamlit.web.server")
    assert private_streamlit_imports(
        'logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")')
    assert private_streamlit_imports("import streamlit as st\nimport plotly") == []
