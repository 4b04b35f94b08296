"""The `streams` command: worker, topics, replay, extract, show, tail, sink, query, export and eval."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import traceback
from importlib import metadata

from streams import failures
from streams.settings import Settings

EPILOG = """configuration comes from environment variables, e.g. KAFKA_BOOTSTRAP (127.0.0.1:9092),
STREAMS_TOPIC_PREFIX, STREAMS_PARTITIONS (4), STREAMS_STORE (rocksdb://), STREAMS_WEB_PORT (6066);
see docs/operations.md for the full list. A failure is one line on stderr and an exit status
of its own (docs/operations.md#exit-status); --debug (or STREAMS_DEBUG=1) adds the traceback."""

# `streams topics`: an existing topic differs from the settings; it is left as it is, since
# Kafka cannot take partitions away and a fix is an operator's decision.
TOPICS_DIFFER = failures.TOPICS_DIFFER.status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="streams",
        description="Real-time event extraction from news on Apache Kafka and Faust.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {installed_version()}")
    parser.add_argument("--debug", action="store_true",
                        help="on a failure, print the traceback too (also STREAMS_DEBUG=1)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    worker = sub.add_parser("worker", help="run a Faust worker (extract and count agents, web API)")
    worker.add_argument("faust_args", nargs=argparse.REMAINDER,
                        help="passed to Faust's worker command (e.g. --without-web, -l info)")

    sub.add_parser("topics", help="create the contract topics that are missing; report existing "
                   f"ones that differ from the settings (exit status {TOPICS_DIFFER})")

    acls = sub.add_parser("acls", help="print the least Kafka ACLs of each principal "
                          "(worker, replay, reader, sink); --apply creates them (docs/security.md)")
    acls.add_argument("--apply", action="store_true",
                      help="create them on the broker, as the KAFKA_SASL_USERNAME given (an admin)")
    for role, meaning in (("worker", "the workers'"), ("replay", "the replay producer's"),
                          ("reader", "a downstream reader's"), ("sink", "the sink's")):
        acls.add_argument(f"--{role}", default=role, metavar="USER",
                          help=f"{meaning} SCRAM user ({role})")
    acls.add_argument("--reader-group", default="news-downstream-example", metavar="GROUP",
                      help="the downstream reader's consumer group (news-downstream-example)")

    replay = sub.add_parser("replay", help="send article documents to the articles topic")
    replay.add_argument("path", help="a .json, .jsonl or .txt file, or a folder of them")
    add_load_arguments(replay)
    once_or_loop = replay.add_mutually_exclusive_group()  # --only-ids sends a list once
    once_or_loop.add_argument("--loop", action="store_true",
                              help="replay the corpus again and again (until --duration or Ctrl-C)")
    replay.add_argument("--duration", type=float, default=None, metavar="S",
                        help="stop sending after S seconds")
    replay.add_argument("--quiet", action="store_true", help="no progress bar")
    once_or_loop.add_argument("--only-ids", default=None, metavar="FILE",
                              help="send only the articles with these ids (one a line), e.g. the file a "
                                   "replay wrote for those it could not send; same PATH, --repeat and "
                                   "--fresh-ids as that replay")
    replay.add_argument("--unsent", default=None, metavar="FILE",
                        help="where to write the ids of articles that could not be sent "
                             "(default: var/replay-unsent-<UTC time>.txt, only when there are some)")
    replay.add_argument("--send-timeout", type=float, default=None, metavar="S",
                        help="seconds an article may wait for the broker before it counts as "
                             "not sent (default: aiokafka's 40)")

    loadtest = sub.add_parser("loadtest", help="measure the pipeline end to end on a unique "
                              "topic set: throughput, latency, lag, worker CPU and memory")
    loadtest.add_argument("--corpus", default="seeds",
                          help="articles to replay (seeds); e.g. a .jsonl of real articles")
    add_load_arguments(loadtest)
    loadtest.add_argument("--workers", type=int, default=1, help="worker processes (1)")
    loadtest.add_argument("--duration", type=float, default=None, metavar="S",
                          help="loop the corpus for S seconds instead of sending it --repeat times")
    loadtest.add_argument("--timeout", type=float, default=300.0,
                          help="seconds to wait for the last results after sending (300)")
    loadtest.add_argument("--out", default="var/loadtest", help="reports go to OUT/<timestamp>/")
    loadtest.add_argument("--keep-topics", action="store_true",
                          help="leave the run's topics on the broker (deleted by default)")
    loadtest.add_argument("--no-plot", action="store_true", help="skip the PNG (no matplotlib)")
    loadtest.add_argument("--quiet", action="store_true", help="no progress bar")

    extract = sub.add_parser("extract", help="extract entities and events offline (no Kafka)")
    extract.add_argument("path", nargs="?", default="-",
                         help="articles to read (file, folder, or - for JSON Lines on stdin)")

    show = sub.add_parser("show", help="wait for the stream's results for some articles and print them")
    show.add_argument("path", help="the articles that were replayed (file or folder)")
    show.add_argument("--timeout", type=float, default=180.0, help="seconds to wait (180)")
    show.add_argument("-n", type=int, default=10, help="how many top actors and locations (10)")

    tail = sub.add_parser("tail", help="print a topic's messages as JSON, optionally filtered")
    tail.add_argument("topic", help="articles, entities, events, alerts or articles.dlq "
                                    "(STREAMS_TOPIC_PREFIX is added)")
    tail.add_argument("--from-beginning", action="store_true",
                      help="start at the oldest message (default: only new ones)")
    tail.add_argument("--filter", dest="where", default=None, metavar="EXPR",
                      help="conditions joined by commas, e.g. 'location.name=Aleppo,quad_class=4'; "
                           "operators = != ~ (contains) > >= < <=")
    tail.add_argument("--max", type=int, default=None, metavar="N", help="stop after N messages")
    tail.add_argument("--timeout", type=float, default=None, metavar="S",
                      help="stop after S seconds")
    tail.add_argument("--compact", action="store_true", help="one JSON object per line, no header")
    tail.add_argument("--pretty", action="store_true",
                      help="one readable line per message: names beside the codes, local times")

    sink = sub.add_parser(
        "sink", help="write events, events.daily, entities and alerts into a SQL database, "
                     "each message exactly once (DuckDB file or PostgreSQL)",
        description="Consume events, events.daily, entities and alerts (in the consumer group "
                    "$STREAMS_SINK_GROUP, default {app_id}-sink) and upsert them into DuckDB or "
                    "PostgreSQL, storing the consumed offsets in the same transaction as the rows. "
                    "Stops cleanly on SIGTERM or Ctrl-C; see docs/sink.md.")
    sink.add_argument("--db", default=None, metavar="URL",
                      help="duckdb:///path/file.duckdb or postgresql://user@host:port/db "
                           "(default: $STREAMS_SINK_DB, else duckdb:///var/events.duckdb)")
    sink.add_argument("--until-idle", type=float, default=None, metavar="S",
                      help="stop after S seconds without a new message (default: run until stopped)")
    export = sub.add_parser("export", help="write the event records in another tool's format")
    formats = export.add_subparsers(dest="format", required=True, metavar="FORMAT")
    gdelt = formats.add_parser("gdelt", help="GDELT 2.0 Events and Mentions files "
                               "(YYYYMMDDHHMMSS.export.CSV, .mentions.CSV; docs/gdelt.md)")
    gdelt.add_argument("--out", required=True, metavar="DIR", help="the folder the files go to")
    gdelt.add_argument("--every", default="15m", metavar="INTERVAL",
                       help="write the records changed and their new mentions at each boundary "
                            "of INTERVAL (UTC): 15m (GDELT's), 1h, 30s, ...")
    gdelt.add_argument("--once", action="store_true",
                       help="write what the topics hold now as one pair of files, and exit")

    query = sub.add_parser("query", help="ask the sink's database a SQL question (docs/sink.md)")
    query.add_argument("sql", help='e.g. "SELECT * FROM events_daily ORDER BY num_articles DESC"')
    query.add_argument("--db", default=None, metavar="URL",
                       help="as for `streams sink` (default: $STREAMS_SINK_DB)")

    evaluate = sub.add_parser("eval", help="score extraction on the evaluation sets")
    evaluate.add_argument("--eval-dir", default=None,
                          help="folder with the evaluation JSONL files (default: $STREAMS_EVAL_DIR, "
                               "else ../shared/eval beside the checkout)")
    evaluate.add_argument("--only", choices=["ner", "geo", "geo_lgl", "events"], action="append",
                          help="score only these sets (repeatable)")
    evaluate.add_argument("--limit", type=int, default=None, help="score only the first N records")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    debug = os.environ.get("STREAMS_DEBUG", "").strip() not in ("", "0")
    while argv[:1] == ["--debug"]:  # before the command (after `worker` it is Faust's option)
        argv, debug = argv[1:], True
    parser = build_parser()
    if argv[:1] == ["worker"]:  # everything after `worker` belongs to Faust's own worker options
        from streams.tools.worker_help import wants_help, worker_help

        if wants_help(argv[1:]):  # the project's defaults, not Faust's help (nor -h = --web-host)
            print(worker_help())
            return 0
        args = parser.parse_args(["worker"])
        args.faust_args = argv[1:]
    else:
        args = parser.parse_args(argv)
        import_faust_without_argv()
    args.debug = debug
    causes = failures.BootstrapCauses(show=debug)
    # The worker's preflight words its own broker failure; Faust's clients then log as they do.
    with causes if args.command != "worker" else contextlib.nullcontext():
        try:
            settings = Settings.from_env()  # a bad variable is one line, e.g. STREAMS_PARTITIONS=x
            return run_command(args, settings)
        except KeyboardInterrupt:
            return failures.INTERRUPTED
        except Exception as exc:
            return report_failure(args.command, exc, causes.causes, debug)


def report_failure(command: str, exc: Exception, causes: list[BaseException],
                   debug: bool) -> int:
    """The one place a failure becomes its line on stderr and its exit status."""
    if debug:
        traceback.print_exception(exc)
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP") or Settings.bootstrap
    kind, cause, hint = failures.describe(exc, bootstrap, causes)
    print(failures.one_line(command, cause, hint), file=sys.stderr, flush=True)
    return kind.status


def run_command(args, settings: Settings) -> int:
    """The command; a secured broker's refusal (login, certificate, ACL) as one line and its own
    exit status (streams/kafka_refusals.py), anything else as it was raised."""
    if settings.security and args.command != "worker":
        import logging

        # aiokafka logs a refused login before it raises; the one line below says it instead
        logging.getLogger("aiokafka").addHandler(logging.NullHandler())
    try:
        return COMMANDS[args.command](args, settings)
    except Exception as exc:
        from streams.kafka_refusals import explain

        refused = explain(exc, settings)
        if refused is None:
            raise
        print(f"streams {args.command}: {refused.line}", file=sys.stderr)
        return refused.status


def installed_version() -> str:
    """The installed distribution's version (pyproject.toml's, once `pip install`ed)."""
    try:
        return metadata.version("news-event-streams")
    except metadata.PackageNotFoundError:
        return "(not installed)"


def import_faust_without_argv() -> None:
    """faust reads `--loop`/`-L` and `--datadir` from sys.argv when it is first imported (to pick
    an event loop): `streams replay --loop` must not reach it."""
    saved, sys.argv = sys.argv, sys.argv[:1]
    try:
        import faust  # noqa: F401
    finally:
        sys.argv = saved


def run_worker(args, settings: Settings) -> int:
    from streams.alerts.config import load_rules

    load_rules(settings.alert_rules)  # a bad rules file stops here with its reason (a ValueError)
    from streams.http.access import check_exposure, web_bind_of

    bind = web_bind_of(args.faust_args, settings.web_host)  # -b/--web-bind override the setting
    if bind is not None:
        check_exposure(bind, settings.web_token)
    if settings.security:  # a refused login, certificate or ACL: its own line and status
        from streams.kafka_refusals import probe

        refused = asyncio.run(probe(settings))
        if refused is not None:
            print(f"streams worker: {refused.line}", file=sys.stderr)
            return refused.status
    from streams.runtime.preflight import preflight

    extra = [a for a in args.faust_args if a != "--"]
    # guarantee, state folder, port, model, broker: one line each, before the app is built
    preflight(settings, extra, args.debug)
    from streams.runtime.c_heap import map_large_allocations

    map_large_allocations(settings.mmap_threshold)  # before the tables' buffers come and go
    if settings.heap_trace:  # before the app is built, so its allocations are traced too
        from streams.runtime import heap_trace

        heap_trace.start_tracing()
    from streams.runtime.app import app
    from streams.runtime.own_topics import create_own_topics
    from streams.runtime.resident import freeze, load_and_freeze

    create_own_topics(app, settings)  # changelogs and internal topics, listed before the join

    # before joining: rebalances must fit in the session timeout (resident.py); with
    # STREAMS_EXTRACT_IN=process the extractor loads in the extraction process instead
    load_and_freeze() if settings.extract_in == "thread" else freeze()
    if settings.heap_trace:
        from streams.runtime.storage import rocksdb_usage, usage_report

        heap_trace.start_reports(settings.heap_trace, settings.heap_trace_every,
                                 lambda: usage_report(rocksdb_usage(app)))

    banner = ["--quiet"] if settings.log_format == "json" else []  # JSON: every line an object
    sys.argv = ["streams", *banner, "worker", *(extra or ["-l", "info"])]
    app.main()
    return 0


def run_topics(args, settings: Settings) -> int:
    from streams.tools.admin import ensure_topics

    report = asyncio.run(ensure_topics(settings))
    for topic, state in report.states.items():
        print(f"{topic}: {state}")
    for line in report.differences:  # e.g. "articles: 2 partitions, asked 4"
        print(line, file=sys.stderr)
    return TOPICS_DIFFER if report.differences else 0


def run_acls(args, settings: Settings) -> int:
    from streams.tools.acls import Principals, apply_grants, check_prefixes, pipeline_grants

    check_prefixes(settings)
    grants = pipeline_grants(settings, Principals(args.worker, args.replay, args.reader,
                                                  args.sink, args.reader_group))
    for grant in grants:
        print(grant.line())
    if args.apply:
        created = asyncio.run(apply_grants(grants, settings))
        print(f"{created} ACLs created on {settings.bootstrap}", file=sys.stderr)
    return 0


def run_replay(args, settings: Settings) -> int:
    import logging

    from streams.logs.setup import configure_command
    from streams.tools.corpus import load_articles
    from streams.tools.replay import (
        copies,
        only_ids,
        read_ids,
        replay,
        resend_command,
        unsent_path,
        write_ids,
    )

    articles = load_articles(args.path)  # none is an error, not "sent 0 articles"
    stream = copies(articles, args.repeat, loop=args.loop, fresh_ids=args.fresh_ids)
    total = None if args.loop else len(articles) * args.repeat
    missing: set[str] = set()
    if args.only_ids:
        wanted = set(read_ids(args.only_ids))
        missing = wanted - {str(a.get("id", "")) for a in copies(
            articles, args.repeat, fresh_ids=args.fresh_ids)}
        stream, total = only_ids(stream, wanted), len(wanted - missing)
    outage = configure_command(settings.log_format, logging.WARNING)  # aiokafka's retries quiet

    async def run():
        return await replay(
            stream, settings, rate=args.rate, duration=args.duration, total=total,
            progress=not args.quiet and sys.stderr.isatty(), on_broker_answer=outage.recovered,
            send_timeout=args.send_timeout)

    report = asyncio.run(run())
    summary = report.summary(settings.topic("articles"))
    if report.unsent:
        path = write_ids(report.unsent, args.unsent or unsent_path())
        summary += (f"; the ids not sent are in {path}, to resend: "
                    f"{resend_command(args.path, path, args.repeat, args.fresh_ids)}")
    print(summary)
    if missing:
        print(f"streams replay: {len(missing)} ids of {args.only_ids} are not in {args.path} "
              f"(with --repeat {args.repeat}{' --fresh-ids' if args.fresh_ids else ''}), "
              f"e.g. {sorted(missing)[0]}", file=sys.stderr)
    return 1 if report.errors or missing else 0


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rate", type=float, default=None, metavar="N",
                        help="articles per second (default: as fast as the broker takes them)")
    parser.add_argument("--repeat", type=int, default=1, metavar="K",
                        help="send the corpus K times (1)")
    parser.add_argument("--fresh-ids", action="store_true",
                        help="give copy c of each article the id '{id}~{c}'")


def run_loadtest(args, settings: Settings) -> int:
    from streams.loadtest.runner import main as loadtest

    return loadtest(args, settings)


def run_extract(args, settings: Settings) -> int:
    import orjson

    from streams.extraction.pipeline import extract
    from streams.tools.corpus import read_articles

    out = sys.stdout.buffer
    for article in read_articles(args.path):
        out.write(orjson.dumps(extract(article)) + b"\n")
    out.flush()
    return 0


def run_show(args, settings: Settings) -> int:
    from streams.tools.show import show

    return asyncio.run(show(args.path, settings, timeout=args.timeout, n=args.n))


def run_tail(args, settings: Settings) -> int:
    from streams.tools.filters import parse_filter
    from streams.tools.tail import tail

    where = parse_filter(args.where)  # a bad expression fails before Kafka is contacted
    asyncio.run(tail(settings, args.topic, where=where, from_beginning=args.from_beginning,
                     max_messages=args.max, timeout=args.timeout, compact=args.compact,
                     pretty=args.pretty))
    return 0


def run_sink(args, settings: Settings) -> int:
    import logging

    from streams.logs.setup import configure_command
    from streams.sink.consumer import run_sink as sink

    configure_command(settings.log_format, logging.INFO)
    report = asyncio.run(sink(settings, args.db or settings.sink_db, until_idle=args.until_idle))
    print(report.summary(), flush=True)
    return 0


def run_query(args, settings: Settings) -> int:
    from streams.sink.query import run_query as answer
    from streams.sink.store import first_line

    try:
        print(answer(args.db or settings.sink_db, args.sql))
    except Exception as exc:  # a SQL error, a missing or locked file: one line, not a traceback
        print(f"streams query: {type(exc).__name__}: {first_line(exc)}", file=sys.stderr)
        return 1
    return 0


def run_export(args, settings: Settings) -> int:
    import logging

    from streams.export.gdelt_export import run
    from streams.logs.setup import configure_command

    configure_command(settings.log_format, logging.INFO)
    return run(settings, args.out, args.every, args.once)


def run_eval(args, settings: Settings) -> int:
    from streams.evaluation.report import run

    return run(args.eval_dir, only=args.only, limit=args.limit)


COMMANDS = {
    "worker": run_worker,
    "topics": run_topics,
    "acls": run_acls,
    "replay": run_replay,
    "loadtest": run_loadtest,
    "extract": run_extract,
    "show": run_show,
    "tail": run_tail,
    "sink": run_sink,
    "query": run_query,
    "export": run_export,
    "eval": run_eval,
}

if __name__ == "__main__":
    sys.exit(main())
