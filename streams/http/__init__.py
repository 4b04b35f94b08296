"""The worker's HTTP API: read-only JSON views, the dashboard and its assets, health, `/metrics`.

`views` answers counts and top-N from the tables, routed to the worker that owns a key;
`dashboard` serves the page and its offline assets (`assets/`); `health` answers
`/health/live` and `/health/ready`; `metrics` keeps the process's counters and serves them in
Prometheus' text format.
"""
