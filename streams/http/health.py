"""`/health/live` and `/health/ready` (`/health` is ready): what an orchestrator asks.

Live: the process serves HTTP. Ready: it can do its work now, which takes all of
- the broker reachable: a metadata request on the producer's connection answers within
  BROKER_TIMEOUT (the answer is remembered for BROKER_TTL, so a scrape storm costs one request);
- the extraction model loaded (the extract agent loads it when it starts);
- partitions assigned to this worker (it has joined its consumer group);
- no rebalance under way and the tables' recovery from their changelogs finished;
- the recent events and alerts read from the topics' tail (`streams.runtime.recent_reader`), so
  a restarted worker's dashboard shows them again before it counts as ready.
Anything else answers 503 with a JSON body naming every check and the reason.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import faust

from streams.extraction.pipeline import default_extractor
from streams.runtime import extraction_process

BROKER_TTL = 1.5  # seconds a broker answer is trusted
BROKER_TIMEOUT = 2.0  # seconds a metadata request may take before the broker counts as gone


class BrokerProbe:
    """Whether the cluster answers a metadata request; `None` when it does, else why not."""

    def __init__(self, request_metadata: Callable[[], Awaitable[object]], ttl: float = BROKER_TTL,
                 timeout: float = BROKER_TIMEOUT, clock: Callable[[], float] = time.monotonic):
        self.request_metadata, self.ttl, self.timeout, self.clock = (
            request_metadata, ttl, timeout, clock)
        self._checked_at: float | None = None
        self._error: str | None = None

    async def error(self) -> str | None:
        if self._checked_at is not None and self.clock() - self._checked_at < self.ttl:
            return self._error
        try:
            await asyncio.wait_for(self.request_metadata(), self.timeout)
            self._error = None
        except TimeoutError:
            self._error = f"no metadata answer within {self.timeout:g}s"
        except Exception as exc:  # any failure means "not reachable"; say which
            self._error = _one_line(exc)
        self._checked_at = self.clock()
        return self._error


def _one_line(exc: Exception) -> str:
    name, text = type(exc).__name__, str(exc)
    return text if text.startswith(name) else f"{name}: {text}".rstrip(": ")  # aiokafka's own str names it


def producer_metadata(app: faust.App) -> Callable[[], Awaitable[object]]:
    """A metadata request on the connection the worker already has: its producer's client."""
    async def request():
        # Faust's producer wraps an aiokafka producer (`_producer`, no public accessor); its
        # client asks every known broker in turn and raises KafkaError when none answers.
        return await app.producer._producer.client.fetch_all_metadata()
    return request


def extraction_model_loaded() -> bool:
    """Loaded in the worker (STREAMS_EXTRACT_IN=thread) or in its extraction process."""
    return default_extractor.cache_info().currsize > 0 or extraction_process.loaded()


def assigned_partitions(app: faust.App) -> int:
    try:
        return len(app.consumer.assignment())
    except Exception:  # the consumer is not started yet: nothing is assigned
        return 0


def always() -> bool:
    return True


async def readiness(app: faust.App, broker: BrokerProbe,
                    model_loaded: Callable[[], bool] = extraction_model_loaded,
                    recent_loaded: Callable[[], bool] = always) -> tuple[int, dict]:
    """(HTTP status, body): 200 when every check passes, else 503 with the reasons."""
    broker_error = await broker.error()
    partitions = assigned_partitions(app)
    checks = {"broker": broker_error is None, "model_loaded": model_loaded(),
              "partitions_assigned": partitions, "rebalancing": bool(app.rebalancing),
              "table_recovery": bool(app.in_recovery), "recent_loaded": recent_loaded()}
    reasons = []
    if broker_error is not None:
        reasons.append(f"broker unreachable ({broker_error})")
    if not checks["model_loaded"]:
        reasons.append("the extraction model is not loaded yet")
    if not partitions:
        reasons.append("no partitions assigned: the worker has not joined its consumer group")
    if checks["rebalancing"]:
        reasons.append("rebalancing: partitions are being reassigned")
    if checks["table_recovery"]:
        reasons.append("table recovery: the tables are being restored from their changelogs")
    if not checks["recent_loaded"]:
        reasons.append("the recent events and alerts are being read from the topics' tail")
    body = {"status": "not_ready" if reasons else "ready", "app": app.conf.id, "checks": checks}
    if reasons:
        body["reason"] = "; ".join(reasons)
    return (503 if reasons else 200), body


def register_health_views(app: faust.App, broker: BrokerProbe | None = None,
                          model_loaded: Callable[[], bool] = extraction_model_loaded,
                          recent_loaded: Callable[[], bool] = always) -> None:
    broker = broker or BrokerProbe(producer_metadata(app))

    @app.page("/health/live")
    async def live(self, request):
        return self.json({"status": "live", "app": app.conf.id})

    async def answer(view):
        status, body = await readiness(app, broker, model_loaded, recent_loaded)
        return view.json(body, status=status)

    @app.page("/health/ready")
    async def ready(self, request):
        return await answer(self)

    @app.page("/health")  # the alias of ready the older probes use
    async def health(self, request):
        return await answer(self)
