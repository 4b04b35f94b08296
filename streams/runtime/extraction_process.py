"""The extract agent's NLP in a child process of the worker (STREAMS_EXTRACT_IN=process).

In a thread the NLP shares the worker's one GIL with the event loop that fetches, sends, counts
and answers HTTP, so neither gets a core of its own and extraction ran about 30 % slower in the
worker than alone. In a process of its own it has one core and the event loop the other.

The child loads the extractor once (and freezes it out of the garbage collector), takes batches
and returns each article's result or the exception it raised, as `extract_batch` does in a
thread. A child that dies (killed, out of memory, a crash in native code) is replaced; the batch
it held is extracted again one article at a time, so only an article that kills the child itself
fails, with `ExtractionProcessDied`. A child whose worker is gone (kill -9) exits by itself.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from streams.extraction.batch import extract_batch  # what the child runs

log = logging.getLogger(__name__)

PARENT_CHECK_SECONDS = 1.0


current: ProcessExtractor | None = None  # the worker's one, once its extract agent started


def loaded() -> bool:
    """The worker's extraction process has loaded the extractor (/health/ready asks)."""
    return current is not None and current.loaded


async def started() -> ProcessExtractor:
    """The worker's one extraction process, started if it is not running: an extract agent that
    Faust restarts gets the same process, and one whose start was cut short does not leave its
    child behind."""
    global current
    if current is None or not current.loaded:
        if current is not None:
            current.stop()
        current = ProcessExtractor()
        await current.start()
    return current


class ExtractionProcessDied(RuntimeError):
    """The extraction process died while it held this article alone."""


def child_ready() -> int:
    """Runs in the child once its initializer has loaded the extractor: its pid."""
    return os.getpid()


def start_child(parent: int) -> None:
    """The child's initializer: exit when the worker is gone, then load the extractor."""
    # A Ctrl-C or a stop sent to the whole process group is the worker's to handle: it stops
    # the child itself, and a child that died first would only be started again.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=exit_when_orphaned, args=(parent,), daemon=True,
                     name="parent-watch").start()
    from streams.logs.setup import configure_command
    from streams.runtime.c_heap import map_large_allocations
    from streams.runtime.resident import load_and_freeze
    from streams.settings import Settings

    settings = Settings.from_env()
    map_large_allocations(settings.extract_mmap_threshold)  # c_heap.py; above the NLP's arrays
    # what it logs (a batch that failed) in the worker's format, on the worker's stderr
    configure_command(settings.log_format, logging.WARNING)

    load_and_freeze()


def exit_when_orphaned(parent: int, interval: float = PARENT_CHECK_SECONDS,
                       parent_of: Callable[[], int] = os.getppid,
                       exit_now: Callable[[int], Any] = os._exit) -> None:
    # A worker killed with SIGKILL never shuts its pool down; its child would wait for ever.
    while parent_of() == parent:
        time.sleep(interval)
    exit_now(0)


class ProcessExtractor:
    """One child process that extracts batches; replaced when it dies."""

    def __init__(self, run: Callable[[Sequence[dict]], list] = extract_batch,
                 initializer: Callable[[int], None] = start_child):
        self.run = run
        self.initializer = initializer
        self.pool: ProcessPoolExecutor | None = None
        self.child_pid: int | None = None

    @property
    def loaded(self) -> bool:
        return self.child_pid is not None

    async def start(self) -> None:
        """Start the child and return once it has loaded the extractor."""
        # spawn, not fork: the worker already runs threads (Faust's consumer, aiokafka's)
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=self.initializer, initargs=(os.getpid(),))
        loop = asyncio.get_running_loop()
        self.child_pid = await loop.run_in_executor(self.pool, child_ready)
        log.info("extraction process %d ready", self.child_pid)

    async def extract(self, articles: Sequence[dict[str, Any]]) -> list[Any]:
        """Each article's result or exception, in order."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.pool, self.run, articles)
        except BrokenProcessPool:
            log.error("the extraction process %s died with a batch of %d articles; starting "
                      "another", self.child_pid, len(articles))
            await self.restart()
        if len(articles) == 1:
            return [ExtractionProcessDied("the extraction process died while extracting this "
                                          "article")]
        return [(await self.extract([article]))[0] for article in articles]

    async def restart(self) -> None:
        self.stop()
        await self.start()

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool, self.child_pid = None, None
