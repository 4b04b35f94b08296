"""What `streams worker` checks before Faust starts, so a failure is one line and its own exit status.

Faust catches what fails while its worker starts, logs a traceback between its banner and its
shutdown lines, and exits 1: the web port in use, a `STREAMS_DATA_DIR` whose parent folder is
missing, no broker. Each is asked here first, with the processing guarantee, cheapest first and
before the app is built, and raises a `streams.failures.Failure`. A broker that goes away after
the start is Faust's to wait for: these checks run once.
"""

from __future__ import annotations

import asyncio
import errno
import importlib.util
import os
import socket
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from streams.failures import (
    PORT_IN_USE,
    BootstrapCauses,
    ConfigError,
    Failure,
    MissingDependency,
    describe,
)
from streams.settings import Settings

T = TypeVar("T")

BROKER_TIMEOUT = 10.0  # seconds for the metadata request; a refused connection fails at once
SUPPORTED_GUARANTEE = "at_least_once"


def check_processing_guarantee(settings: Settings) -> None:
    """Refuse a guarantee that would lose output rather than run with it.

    With exactly_once, faust-streaming 0.15.3 writes what the alert timer sends in a transaction
    nothing commits, so the broker aborts it and no read_committed reader sees an alert; with a
    second worker it has no transactional producer for partitions the worker does not own.
    """
    if settings.processing_guarantee == SUPPORTED_GUARANTEE:
        return
    if settings.processing_guarantee == "exactly_once":
        why = ("alerts raised by the window timer would be written in a transaction nothing "
               "commits (read_committed readers never see them), and a second worker would have "
               "no transactional producer for the partitions it does not own")
    else:
        why = "unknown value"
    raise ConfigError(
        f"STREAMS_PROCESSING_GUARANTEE={settings.processing_guarantee} is not supported: {why}; "
        f"use {SUPPORTED_GUARANTEE} (the default: the dedupe ledgers keep every count exact)")


def check_data_dir(data_dir: str) -> None:
    """Faust creates the folder itself, but not its parents, and must be able to write in it."""
    path = Path(data_dir)
    where = f"STREAMS_DATA_DIR={data_dir}"
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{where} is a file, not a folder")
    if not path.exists() and not path.parent.is_dir():
        raise ConfigError(f"{where}: the folder {path.parent} does not exist",
                          hint="create it, or point STREAMS_DATA_DIR into a folder that exists")
    folder = path if path.exists() else path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(f"{where}: {folder} is not writable",
                          hint="give the worker's user write access, or point STREAMS_DATA_DIR "
                               "elsewhere")


def check_model(module: str) -> None:
    """The spaCy model is a Python package; without it the extract agent would crash at start."""
    if importlib.util.find_spec(module) is None:
        from streams.extraction.nlp import INSTALL_MODEL

        raise MissingDependency(f"the spaCy model {module} is not installed", hint=INSTALL_MODEL)


def check_port(host: str, port: int) -> None:
    """Bind and release the web port, as aiohttp will (SO_REUSEADDR: a port in TIME_WAIT is free)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        socket.create_server((host, port), family=family).close()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise Failure(f"port {port} on {host} is in use (STREAMS_WEB_PORT)",
                          PORT_IN_USE) from None
        raise ConfigError(f"cannot listen on {host}:{port} (STREAMS_WEB_HOST, STREAMS_WEB_PORT): "
                          f"{exc.strerror or exc}") from None


async def check_broker(settings: Settings, timeout: float = BROKER_TIMEOUT,
                       show: bool = False) -> None:
    """One metadata request. Failing, aiokafka raises KafkaConnectionError and logs the cause
    (refused, a name that does not resolve, SASL or TLS refused): BootstrapCauses keeps it, and
    lets aiokafka's line through with `show` (--debug)."""
    from aiokafka.client import AIOKafkaClient

    client = AIOKafkaClient(bootstrap_servers=settings.bootstrap,
                            request_timeout_ms=int(timeout * 1000), **settings.security)
    with BootstrapCauses(show) as causes:
        try:
            await client.bootstrap()
        except Exception as exc:
            kind, cause, hint = describe(exc, settings.bootstrap, causes.causes)
            raise Failure(cause, kind, hint) from exc
        finally:
            await client.close()


def web_port(faust_args: list[str], settings: Settings) -> int | None:
    """The port the worker will serve on, or None with --without-web (Faust's own options win)."""
    if "--without-web" in faust_args:
        return None
    for i, arg in enumerate(faust_args):
        if arg == "--web-port" and i + 1 < len(faust_args):
            return int(faust_args[i + 1])
        if arg.startswith("--web-port="):
            return int(arg.partition("=")[2])
    return settings.web_port


def preflight(settings: Settings, faust_args: list[str], debug: bool = False) -> None:
    """Every check, cheapest first; the broker last (it may take a while to answer). Nothing
    here imports Faust or builds the app."""
    from streams.extraction.nlp import MODEL

    check_processing_guarantee(settings)
    check_data_dir(settings.data_dir)
    port = web_port(faust_args, settings)
    if port is not None:
        check_port(settings.web_host, port)
    check_model(MODEL)
    ask_broker(settings, debug)


def ask_broker(settings: Settings, debug: bool = False) -> None:
    run_before_faust(check_broker(settings, show=debug))


def run_before_faust(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` in a loop of its own, never made current: asyncio.run would leave "no
    current event loop" behind, and Faust, started next, expects to create the main thread's."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()
