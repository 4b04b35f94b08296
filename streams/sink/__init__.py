"""`streams sink`: the public topics in a SQL database, each id exactly once (docs/sink.md).

`tables` and `schema` (what the database holds), `rows` and `batch` (messages to rows, pure),
`store` with `duckdb_store` and `postgres_store` (the transaction that writes rows and offsets
together), `seek` (where each partition resumes) and `consumer` (the loop).
"""
