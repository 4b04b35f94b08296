"""The `streams` command's tools around the worker: feeding it and reading what it made.

`replay` (with `pacing` and `corpus`) sends article documents to `articles`; `admin` creates
the contract topics; `tail` (with `filters`) prints a topic; `results` and `show` wait for and
print what the stream made of some articles. None of them runs inside a worker.
"""
