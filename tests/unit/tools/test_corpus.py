import json

import pytest

from streams.tools.corpus import CorpusError, read_articles


def test_a_folder_yields_json_jsonl_and_txt_articles_in_name_order(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"id": "a", "body": "A"}))
    (tmp_path / "b.jsonl").write_text('{"id": "b1", "body": "B"}\n\n{"id": "b2", "body": "C"}\n')
    (tmp_path / "c.txt").write_text("Title line\n\nBody text.\n")
    (tmp_path / "notes.md").write_text("ignored")
    articles = list(read_articles(tmp_path))
    assert [a["id"] for a in articles] == ["a", "b1", "b2", "c"]
    assert articles[3]["title"] == "Title line"
    assert articles[3]["body"] == "Body text."


def test_the_seed_folder_holds_one_article():
    articles = list(read_articles("seeds"))
    assert [a["id"] for a in articles] == ["2b378bade59abd59"]


def test_a_bad_line_names_the_file_and_line(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "a", "body": "A"}\n{oops\n')
    with pytest.raises(CorpusError, match=r"x.jsonl:2"):
        list(read_articles(path))


def test_a_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        list(read_articles(tmp_path / "nope"))
