"""Where `streams eval` and the accuracy tests look for the evaluation sets, and what a missing set says."""

from __future__ import annotations

import json
from pathlib import Path

from streams.evaluation.report import FILES, default_eval_dir, missing_files, run
from streams.extraction import pipeline

ROOT = Path(__file__).resolve().parents[3]


def test_the_default_is_shared_eval_beside_the_checkout(monkeypatch):
    monkeypatch.delenv("STREAMS_EVAL_DIR", raising=False)
    assert default_eval_dir() == ROOT.parent / "shared" / "eval"


def test_streams_eval_dir_overrides_it(monkeypatch, tmp_path):
    monkeypatch.setenv("STREAMS_EVAL_DIR", str(tmp_path))
    assert default_eval_dir() == tmp_path


def test_missing_files_names_each_absent_set(tmp_path):
    (tmp_path / FILES["geo"]).write_text("", encoding="utf-8")
    assert missing_files(tmp_path) == [FILES["ner"], FILES["geo_lgl"], FILES["events"]]


def test_eval_without_the_sets_says_where_it_looked_in_one_line(tmp_path, capsys):
    assert run(str(tmp_path), only=["events"]) == 5  # missing input (docs/operations.md#exit-status)
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (f"streams eval: {FILES['events']} not found in {tmp_path} "
                   "(give --eval-dir or set STREAMS_EVAL_DIR)\n")


def test_the_lgl_set_is_scored_and_printed_like_geovirus(tmp_path, capsys, monkeypatch):
    record = {"id": "d1", "title": "", "text": "Rain hit Dover today.",
              "locations": [{"name": "Dover", "start": 9, "end": 14, "lat": 39.16, "lon": -75.52}]}
    (tmp_path / FILES["geo_lgl"]).write_text(json.dumps(record) + "\n", encoding="utf-8")
    located = {"kind": "location", "type": "GPE", "field": "body", "start": 9, "end": 14,
               "lat": 39.2, "lon": -75.5}
    monkeypatch.setattr(pipeline, "extract_many",
                        lambda articles: [{"entities": [located], "events": []} for _ in articles])
    assert run(str(tmp_path), only=["geo_lgl"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["Geocoding (LGL dev, US local news, 161 km)",
                       "  F1=1.000 precision=1.000 recall=1.000 acc_among_found=1.000 "
                       "(gold 1, found 1, correct 1)"]
    assert json.loads(out[3])["geo_lgl"]["f1@161"] == 1.0


def test_nationality_words_are_also_scored_apart_for_sets_that_do_not_annotate_them(
        tmp_path, capsys, monkeypatch):
    record = {"id": "d1", "title": "", "text": "Egyptian aid reached Dover.",
              "locations": [{"name": "Dover", "start": 21, "end": 26, "lat": 39.16, "lon": -75.52}]}
    (tmp_path / FILES["geo"]).write_text(json.dumps(record) + "\n", encoding="utf-8")
    town = {"kind": "location", "type": "GPE", "field": "body", "start": 21, "end": 26,
            "lat": 39.2, "lon": -75.5}
    egypt = {"kind": "location", "type": "NORP", "field": "body", "start": 0, "end": 8,
             "lat": 27.0, "lon": 30.0}
    monkeypatch.setattr(pipeline, "extract_many",
                        lambda articles: [{"entities": [town, egypt], "events": []}
                                          for _ in articles])
    assert run(str(tmp_path), only=["geo"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:3] == ["  F1=0.667 precision=0.500 recall=1.000 acc_among_found=1.000 "
                        "(gold 1, found 1, correct 1)",
                        "  without nationality words (NORP): F1=1.000 precision=1.000 "
                        "recall=1.000"]
    report = json.loads(out[3])["geo"]
    assert (report["predicted"], report["toponyms_only"]["predicted"]) == (2, 1)
