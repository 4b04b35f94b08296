"""`streams loadtest`: the pipeline measured end to end on a topic set of its own.

- `stats`: the maths (completion, latency, percentiles, per-second series): pure, unit tested.
- `probes`: what is sampled each second: consumer lag, and each process's CPU and RSS.
- `workers`: `streams worker` subprocesses with their own settings, stopped by their own pids.
- `report`: the JSON report and the printed table, from the tracker and the samples.
- `plot`: the PNG (matplotlib, the optional `bench` extra).
- `runner`: broker, topics, workers, warm-up, replay, wait, report.
"""
