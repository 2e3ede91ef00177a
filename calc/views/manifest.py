"""A manifest file costed in bounded memory: the CLI's `plan` and Plan's big uploads use this."""

from __future__ import annotations

from collections.abc import Sequence

from calc.adapters.manifest_files import NotClean, Source, chunks
from calc.engine.manifest import ManifestScan, scan


def scan_file(source: Source, models: Sequence[str], detail: str = "auto",
              rules: str = "billing", keep_sizes: bool = False, name: str = "") -> ManifestScan:
    """Stream the file once (integers straight away); a file with cells that are not whole
    numbers is streamed again as text, so those rows are counted as bad, not fatal."""
    try:
        return scan(chunks(source, name), models, detail, rules, keep_sizes)
    except NotClean:
        return scan(chunks(source, name, typed=False), models, detail, rules, keep_sizes)
