"""`streams query`: the sink's database answers as an aligned table; an error is one line."""

from __future__ import annotations

from streams.cli import main
from streams.sink.query import as_table, run_query
from streams.sink.store import open_store


def test_a_table_is_aligned_with_its_header_and_counts_its_rows():
    assert as_table(["code", "n"], [("SYRMIL", 12), ("RUS", None)]).splitlines() == [
        "code    n", "------  ----", "SYRMIL  12", "RUS     NULL", "(2 rows)"]
    assert as_table(["n"], []).splitlines() == ["n", "-", "(0 rows)"]


def test_the_sink_s_database_answers_with_column_names(store_url):
    with open_store(store_url) as store:
        store.migrate()
        store.execute("INSERT INTO events (event_id, source_code, cameo_code) "
                      "VALUES ('a:0', 'SYRMIL', '190'), ('a:1', 'SYRREB', '190')")
    answer = run_query(store_url, "SELECT source_code, count(*) AS n FROM events "
                                  "GROUP BY 1 ORDER BY 1")
    assert answer.splitlines() == ["source_code  n", "-----------  -", "SYRMIL       1",
                                   "SYRREB       1", "(2 rows)"]


def test_a_bad_question_is_one_line_and_status_1(tmp_path, capsys):
    url = f"duckdb:///{tmp_path / 'events.duckdb'}"
    assert main(["query", "--db", url, "SELECT nothing FROM nowhere"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("streams query: CatalogException")
