"""Build streams/data/cameo_codes.tsv, the project's CAMEO code table.

Usage: make cameo-table, or python build_data/cameo_table.py [--reference DIR] [--out FILE]
(defaults: ../shared/reference next to the repository, streams/data/cameo_codes.tsv)

Derivation (the facts come from ../shared/reference; see its README for the sources):

- code, goldstein: every CAMEO code in the reference table with its GDELT Goldstein value
  (106 = -5.0 comes from the older GDELT mirror, as the reference README explains).
- name: the CAMEO 1.1b3 codebook name. Where GDELT's label text differs (cameo_name_conflicts.tsv,
  column cameo_codebook_name) the codebook name is used, so 101/105-108 carry their codebook
  meanings and GDELT typos ("matyerial", "radiologicalweapons") are gone. 1213/1214 are not added:
  they have no Goldstein value.
- quad_class: from the root: 01-05 -> 1, 06-08 -> 2, 09-13 -> 3, 14-20 -> 4.
- plover_event: the PLOVER README's root table, with the README's names (DEMAND, DISAPPROVE,
  INVESTIGATE, FIGHT rather than the 2021 mapping's REQUEST, ACCUSE, ASSAULT):
    03 AGREE, 04 CONSULT, 05 SUPPORT, 06 COOPERATE, 07 AID, 080-083 CONCEDE, 084-087 RETREAT,
    09 INVESTIGATE, 10 DEMAND, 11 DISAPPROVE, 12 REJECT, 13 THREATEN, 14 PROTEST, 15 MOBILIZE,
    16 SANCTION, 17 COERCE, 18 ASSAULT, 19 FIGHT, 20 FIGHT.
  The root rows ("08") take the type of the "not specified" code (080 -> CONCEDE).
  The 2021 code-by-code mapping (CAMEO2PLOVER-2021, manual v0.8) is NOT mixed in: it belongs to a
  later version with a different type set (ASSAULT absorbs FIGHT, ACCUSE absorbs DISAPPROVE and
  INVESTIGATE), so its moves (163/191/192 COERCE, 1712/175/201 ASSAULT, 0813/0814 RETREAT) would
  blend two ontologies. Every code here takes its README root's type, so 191/192 are FIGHT.
- Roots 01 (public statement) and 02 (appeal) have no PLOVER type: the README says "dropped" and
  the gold standard records hold no such events. Their plover_event is left empty and the event
  coder emits null for it; appeals are not folded into DEMAND because PLOVER defines a demand as
  stronger than an appeal.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ("code", "name", "goldstein", "quad_class", "plover_event")

PLOVER_BY_ROOT = {
    "01": "", "02": "",
    "03": "AGREE", "04": "CONSULT", "05": "SUPPORT", "06": "COOPERATE", "07": "AID",
    "09": "INVESTIGATE", "10": "DEMAND", "11": "DISAPPROVE", "12": "REJECT", "13": "THREATEN",
    "14": "PROTEST", "15": "MOBILIZE", "16": "SANCTION", "17": "COERCE", "18": "ASSAULT",
    "19": "FIGHT", "20": "FIGHT",
}  # fmt: skip


def quad_class(code: str) -> int:
    root = int(code[:2])
    if root <= 5:
        return 1
    if root <= 8:
        return 2
    if root <= 13:
        return 3
    return 4


def plover_event(code: str) -> str:
    root = code[:2]
    if root == "08":  # README: 081-083 are verbal concessions, 084-087 material ones
        return "RETREAT" if code[:3] >= "084" else "CONCEDE"
    return PLOVER_BY_ROOT[root]


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def codebook_names(reference: Path) -> dict[str, str]:
    """Codebook names for the codes whose GDELT label differs."""
    rows = read_tsv(reference / "cameo_name_conflicts.tsv")
    return {
        row["code"]: row["cameo_codebook_name"]
        for row in rows
        if row["cameo_codebook_name"] != "(absent)"
    }


def build_rows(reference: Path) -> list[dict[str, str]]:
    names = codebook_names(reference)
    rows = []
    for fact in read_tsv(reference / "cameo_codes.tsv"):
        code = fact["code"]
        rows.append(
            {
                "code": code,
                "name": names.get(code, fact["name"]),
                "goldstein": f"{float(fact['goldstein']):.1f}",
                "quad_class": str(quad_class(code)),
                "plover_event": plover_event(code),
            }
        )
    return rows


def write_tsv(rows: list[dict[str, str]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\t".join(COLUMNS) + "\n")
        for row in rows:
            handle.write("\t".join(row[column] for column in COLUMNS) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=REPO_ROOT.parent / "shared" / "reference")
    parser.add_argument(
        "--out", type=Path, default=REPO_ROOT / "streams" / "data" / "cameo_codes.tsv"
    )
    args = parser.parse_args()
    if not args.reference.is_dir():
        parser.exit(2, f"{parser.prog}: reference folder {args.reference} not found; give "
                       "--reference DIR (the PETRARCH2/Phoenix and GDELT CAMEO tables)\n")
    rows = build_rows(args.reference)
    write_tsv(rows, args.out)
    print(f"wrote {len(rows)} codes to {args.out}")


if __name__ == "__main__":
    main()
