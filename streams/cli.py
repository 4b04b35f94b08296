"""The `streams` command: worker, topics, replay, extract, show and eval."""

from __future__ import annotations

import argparse
import asyncio
import sys

from streams.settings import Settings

EPILOG = """configuration comes from environment variables, e.g. KAFKA_BOOTSTRAP (127.0.0.1:9092),
STREAMS_TOPIC_PREFIX, STREAMS_PARTITIONS (4), STREAMS_STORE (rocksdb://), STREAMS_WEB_PORT (6066);
see README.md for the full list."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="streams",
        description="Real-time event extraction from news on Apache Kafka and Faust.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    worker = sub.add_parser("worker", help="run a Faust worker (extract and count agents, web API)")
    worker.add_argument("faust_args", nargs=argparse.REMAINDER,
                        help="passed to Faust's worker command (e.g. --without-web, -l info)")

    sub.add_parser("topics", help="create the contract topics that are missing")

    replay = sub.add_parser("replay", help="send article documents to the articles topic")
    replay.add_argument("path", help="a .json, .jsonl or .txt file, or a folder of them")

    extract = sub.add_parser("extract", help="extract entities and events offline (no Kafka)")
    extract.add_argument("path", nargs="?", default="-",
                         help="articles to read (file, folder, or - for JSON Lines on stdin)")

    show = sub.add_parser("show", help="wait for the stream's results for some articles and print them")
    show.add_argument("path", help="the articles that were replayed (file or folder)")
    show.add_argument("--timeout", type=float, default=180.0, help="seconds to wait (180)")
    show.add_argument("-n", type=int, default=10, help="how many top actors and locations (10)")

    evaluate = sub.add_parser("eval", help="score extraction on the evaluation sets")
    evaluate.add_argument("--eval-dir", default=None,
                          help="folder with the evaluation JSONL files (default: ../shared/eval)")
    evaluate.add_argument("--only", choices=["ner", "geo", "events"], action="append",
                          help="score only these sets (repeatable)")
    evaluate.add_argument("--limit", type=int, default=None, help="score only the first N records")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if argv[:1] == ["worker"]:  # everything after `worker` belongs to Faust's own worker options
        args = parser.parse_args(["worker"])
        args.faust_args = argv[1:]
    else:
        args = parser.parse_args(argv)
    settings = Settings.from_env()
    try:
        return COMMANDS[args.command](args, settings)
    except KeyboardInterrupt:
        return 130
    except (OSError, ValueError, TimeoutError) as exc:
        print(f"streams {args.command}: {exc}", file=sys.stderr)
        return 1


def run_worker(args, settings: Settings) -> int:
    from streams.app import app

    extra = [a for a in args.faust_args if a != "--"]
    sys.argv = ["streams", "worker", *(extra or ["-l", "info"])]
    app.main()
    return 0


def run_topics(args, settings: Settings) -> int:
    from streams.admin import create_topics

    for topic, state in asyncio.run(create_topics(settings)).items():
        print(f"{topic}: {state}")
    return 0


def run_replay(args, settings: Settings) -> int:
    from streams.corpus import read_articles
    from streams.producer import replay

    report = asyncio.run(replay(read_articles(args.path), settings))
    print(f"sent {report.sent} articles to {settings.topic('articles')} "
          f"in {report.seconds:.2f}s ({report.rate:.1f}/s)")
    return 0


def run_extract(args, settings: Settings) -> int:
    import orjson

    from streams.corpus import read_articles
    from streams.extraction.pipeline import extract

    out = sys.stdout.buffer
    for article in read_articles(args.path):
        out.write(orjson.dumps(extract(article)) + b"\n")
    out.flush()
    return 0


def run_show(args, settings: Settings) -> int:
    from streams.show import show

    return asyncio.run(show(args.path, settings, timeout=args.timeout, n=args.n))


def run_eval(args, settings: Settings) -> int:
    from streams.evaluation.report import run

    return run(args.eval_dir, only=args.only, limit=args.limit)


COMMANDS = {
    "worker": run_worker,
    "topics": run_topics,
    "replay": run_replay,
    "extract": run_extract,
    "show": run_show,
    "eval": run_eval,
}

if __name__ == "__main__":
    sys.exit(main())
