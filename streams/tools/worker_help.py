"""`streams worker --help` (and `-h`): the project's defaults, not Faust's.

Faust's own worker help says `--web-host (default: 0.0.0.0)` and spends `-h` on --web-host, while a
worker of this project serves on STREAMS_WEB_HOST (127.0.0.1) unless told; so `streams worker`
answers -h/--help itself, without importing Faust or starting anything.
"""

from __future__ import annotations

import os
from dataclasses import fields

from streams.settings import ENV_VARS, Settings

HELP_FLAGS = frozenset({"-h", "--help"})
# The settings a worker's command line can also set, with what they mean.
SHOWN = (("web_host", "address the web API binds and advertises"),
         ("web_port", "port of the web API (/dashboard, /actors/top, /metrics, ...)"),
         ("data_dir", "table state (RocksDB) is kept here"),
         ("bootstrap", "the Kafka broker(s)"),
         ("app_id", "the consumer group and table prefix"),
         ("partitions", "partitions of articles, entities, events"))


def wants_help(args: list[str]) -> bool:
    """-h or --help among a worker's options (before a `--` that ends them)."""
    options = args[:args.index("--")] if "--" in args else args
    return any(arg in HELP_FLAGS for arg in options)


def worker_help(environ: dict[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    defaults = {f.name: f.default for f in fields(Settings)}
    rows = []
    for name, meaning in SHOWN:
        variable = ENV_VARS[name]
        now = f" (now {environ[variable]})" if variable in environ else ""
        rows.append(f"  {variable:<20} {meaning}: default {defaults[name]}{now}")
    return f"""usage: streams worker [FAUST WORKER OPTIONS]

Run one worker of the pipeline: the agents, the tables and the read-only web API
(http://{defaults['web_host']}:{defaults['web_port']}/dashboard by default).

Settings (environment variables; every one: docs/operations.md#configuration):
{chr(10).join(rows)}

Faust's worker options pass through and override the variables for this worker:
  -l, --loglevel LEVEL   crit, error, warn, info or debug (info when no option is given)
  -f, --logfile FILE     log to FILE instead of stderr
  --without-web          no web server (a second worker on the same host, for example)
  -p, --web-port PORT    web API port (default: $STREAMS_WEB_PORT, {defaults['web_port']})
  -b, --web-bind HOST    address the web API binds (default: $STREAMS_WEB_HOST, {defaults['web_host']})
  --web-host HOST        host name other workers reach this one at (default: $STREAMS_WEB_HOST,
                         {defaults['web_host']}); Faust's short form -h is help here

-h, --help               show this help and exit, without starting a worker"""
