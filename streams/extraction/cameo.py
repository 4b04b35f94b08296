"""The CAMEO event code table: names, Goldstein scores, quad classes and PLOVER types.

The table (streams/data/cameo_codes.tsv) is built by build_data/cameo_table.py, which documents
where each column comes from. It is read once, on first use.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True, slots=True)
class CameoCode:
    code: str  # "19", "192", "1821": the first two digits are the root
    name: str  # CAMEO 1.1b3 codebook name
    goldstein: float  # conflict (-10) to cooperation (+10)
    quad_class: int  # 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict
    plover_event: str | None  # PLOVER README type; None for roots 01 and 02 (dropped by PLOVER)

    @property
    def root(self) -> str:
        return self.code[:2]


def _parse_row(row: dict[str, str]) -> CameoCode:
    return CameoCode(
        code=row["code"],
        name=row["name"],
        goldstein=float(row["goldstein"]),
        quad_class=int(row["quad_class"]),
        plover_event=row["plover_event"] or None,
    )


@functools.cache
def cameo_table() -> dict[str, CameoCode]:
    """Every CAMEO code, keyed by code string."""
    text = resources.files("streams").joinpath("data", "cameo_codes.tsv").read_text("utf-8")
    reader = csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    return {row["code"]: _parse_row(row) for row in reader}


def cameo_code(code: str) -> CameoCode:
    """The table entry for a code; KeyError when CAMEO has no such code."""
    return cameo_table()[code]
