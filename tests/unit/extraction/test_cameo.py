"""The CAMEO code table: streams/data/cameo_codes.tsv, built by build_data/cameo_table.py."""

from __future__ import annotations

import pytest

from streams.extraction.cameo import CameoCode, cameo_code, cameo_table


def expected_quad(code: str) -> int:
    root = int(code[:2])
    return 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4


@pytest.mark.parametrize(
    ("code", "goldstein", "quad_class"),
    [("190", -10.0, 4), ("036", 4.0, 1), ("192", -9.5, 4), ("112", -2.0, 3)],
)
def test_published_goldstein_and_quad(code, goldstein, quad_class):
    entry = cameo_code(code)
    assert isinstance(entry, CameoCode)
    assert entry.goldstein == goldstein
    assert entry.quad_class == quad_class


def test_unknown_code_is_a_key_error():
    with pytest.raises(KeyError):
        cameo_code("999")


def test_table_has_every_root_and_code():
    table = cameo_table()
    assert len(table) == 311
    assert {code[:2] for code in table} == {f"{root:02d}" for root in range(1, 21)}
    assert "106" in table  # the code GDELT's event list fuses onto 1056


def test_every_quad_class_follows_its_root():
    for code, entry in cameo_table().items():
        assert entry.quad_class == expected_quad(code), code
        assert entry.root == code[:2]


def test_plover_names_follow_the_readme():
    for code, entry in cameo_table().items():
        if code.startswith("10"):
            assert entry.plover_event == "DEMAND", code
        if code.startswith("11"):
            assert entry.plover_event == "DISAPPROVE", code
        if code.startswith("09"):
            assert entry.plover_event == "INVESTIGATE", code  # README: 09 INVESTIGATE
    names = {entry.plover_event for entry in cameo_table().values()}
    assert not names & {"REQUEST", "ACCUSE"}  # the 2021 mapping's names are not used


def test_roots_01_and_02_have_no_plover_type():
    for code, entry in cameo_table().items():
        if code[:2] in ("01", "02"):
            assert entry.plover_event is None, code


def test_yield_splits_into_concede_and_retreat():
    for code, entry in cameo_table().items():
        if code[:2] == "08" and len(code) > 2:
            expected = "RETREAT" if code[:3] >= "084" else "CONCEDE"
            assert entry.plover_event == expected, code


@pytest.mark.parametrize(
    ("code", "plover"),
    [("040", "CONSULT"), ("057", "SUPPORT"), ("173", "COERCE"), ("186", "ASSAULT"),
     ("195", "FIGHT"), ("191", "FIGHT"), ("163", "SANCTION"), ("141", "PROTEST")],
)  # fmt: skip
def test_plover_type_by_root(code, plover):
    assert cameo_code(code).plover_event == plover


def test_codebook_names_replace_gdelt_labels():
    assert cameo_code("105").name == "Demand that target yields"
    assert cameo_code("033").name == "Express intent to provide material aid"
    assert "matyerial" not in " ".join(entry.name for entry in cameo_table().values())
