"""The Faust worker: the app, its agents and tables, and what keeps them exact.

`app` wires settings, topics, tables, agents and views into the one `faust.App`; `agents` and
`alert_agents` are the thin loops; `tables` and `storage` the running counts and their RocksDB
options; `guard` and `dedupe` the admission and dedupe records that keep counts exact under
at-least-once delivery; `recent` and `recent_reader` the lists behind the dashboard, read from
the topics. The project's fix to
Faust's consumer is `ordered_consumer` (the Faust glue) over `delivery_order` (pure bookkeeping);
docs/decisions/ordered-consumer.md says why it exists. `aiokafka_headers` lets aiokafka's fetcher
read a record whose header name is not UTF-8 (docs/decisions/aiokafka-header-names.md).
"""
