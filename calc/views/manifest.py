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


def workload_from_file(data: bytes, models: Sequence[str], detail: str = "auto",
                       rules: str = "billing", name: str = ""):
    """A big CSV or Parquet upload as a Plan workload: its distinct sizes with summed counts
    (streamed, so memory follows the distinct sizes, not the rows); bad rows counted, the first
    few shown with their reasons."""
    import pandas as pd

    from calc.views.plan_inputs import Workload

    result = scan_file(data, models, detail, rules, keep_sizes=True, name=name)
    sizes = result.sizes()
    sizes["detail"] = sizes["detail"].where(sizes["detail"] != detail, "")
    bad = pd.DataFrame(result.bad_examples, columns=["row", "reason"])
    notices = (f"{result.rows:,} rows read in chunks: {len(sizes):,} distinct sizes; "
               f"{result.bad_rows:,} bad rows left out (the first {len(bad)} are listed)",)
    return Workload(sizes.reset_index(drop=True), bad, notices=notices)
