"""Where `streams eval` and the accuracy tests look for the evaluation sets, and what a missing set says."""

from __future__ import annotations

from pathlib import Path

from streams.evaluation.report import FILES, default_eval_dir, missing_files, run

ROOT = Path(__file__).resolve().parents[3]


def test_the_default_is_shared_eval_beside_the_checkout(monkeypatch):
    monkeypatch.delenv("STREAMS_EVAL_DIR", raising=False)
    assert default_eval_dir() == ROOT.parent / "shared" / "eval"


def test_streams_eval_dir_overrides_it(monkeypatch, tmp_path):
    monkeypatch.setenv("STREAMS_EVAL_DIR", str(tmp_path))
    assert default_eval_dir() == tmp_path


def test_missing_files_names_each_absent_set(tmp_path):
    (tmp_path / FILES["geo"]).write_text("", encoding="utf-8")
    assert missing_files(tmp_path) == [FILES["ner"], FILES["events"]]


def test_eval_without_the_sets_says_where_it_looked_in_one_line(tmp_path, capsys):
    assert run(str(tmp_path), only=["events"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (f"streams eval: {FILES['events']} not found in {tmp_path} "
                   "(give --eval-dir or set STREAMS_EVAL_DIR)\n")
