"""Waiting in async tests for what a task or an agent does in the background."""

from __future__ import annotations

import asyncio
import contextlib

from streams.http import metrics as m


async def until(check, timeout: float = 2.0):
    """Return once `check()` is true; fail the test after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.002)


def mentions_handled() -> float:
    """Entities messages the count agents have handled in this process, counted or not."""
    return m.METRICS.value(m.MENTIONS_COUNTED) + m.METRICS.value(m.MENTIONS_DUPLICATE)


@contextlib.asynccontextmanager
async def counting(app, timeout: float = 5.0):
    """The count agent's test context; on leaving, waits until every message put was handled
    (the agent takes them in batches, and `put` returns once a message is in the batch)."""
    before = mentions_handled()
    async with app.agents["count"].test_context() as agent:
        yield agent
        await until(lambda: mentions_handled() - before == agent.sent_offset, timeout)
