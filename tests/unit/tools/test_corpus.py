import json

import pytest

from streams.failures import InputError
from streams.tools.corpus import CorpusError, load_articles, read_articles


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


def test_a_list_holding_something_else_than_objects_names_the_file_and_item(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps([{"id": "a"}, "just text"]))
    with pytest.raises(CorpusError) as refused:
        list(read_articles(path))
    assert str(refused.value) == f"{path}: item 2 of the list is a string, not an article object"


def test_a_json_line_that_is_not_an_object_names_the_line(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "a"}\n[1, 2]\n')
    with pytest.raises(CorpusError, match=r"x.jsonl:2 is a list, not an article object"):
        list(read_articles(path))


def test_a_text_file_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"Title\n\xff\xfe body")
    with pytest.raises(CorpusError, match=r"x.txt: not UTF-8 text \(byte 6\)"):
        list(read_articles(path))


def test_no_articles_at_all_is_an_input_failure(tmp_path):
    (tmp_path / "notes.md").write_text("not a corpus file")
    with pytest.raises(InputError) as refused:
        load_articles(tmp_path)
    assert str(refused.value) == f"no articles in {tmp_path}"
    assert refused.value.kind.status == 5
