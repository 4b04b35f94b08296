"""The replay's token bucket on a fake clock: no sleeping, exact schedules."""

from __future__ import annotations

import pytest

from streams.tools.pacing import TokenBucket, default_burst


class FakeClock:
    def __init__(self, now: float = 100.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def send_times(bucket: TokenBucket, clock: FakeClock, n: int, overhead: float = 0.0) -> list:
    """When each of n messages goes out if the sender sleeps what the bucket says, and each
    send (or a late wake-up) costs `overhead` seconds more."""
    times = []
    for _ in range(n):
        clock.sleep(bucket.delay())
        times.append(clock.now)
        clock.sleep(overhead)
    return times


def test_a_full_bucket_lets_the_burst_out_at_once_then_paces_at_the_rate():
    clock = FakeClock()
    bucket = TokenBucket(rate=10, burst=3, clock=clock)
    times = send_times(bucket, clock, 6)
    assert times[:3] == [100.0, 100.0, 100.0]
    assert times[3:] == pytest.approx([100.1, 100.2, 100.3])


def test_no_drift_when_every_send_is_slow():
    # Sleeping 1/rate after each send would take n * (1/rate + overhead); the bucket pays
    # the overhead back, so n messages still take n / rate.
    clock = FakeClock(0.0)
    bucket = TokenBucket(rate=100, burst=1, clock=clock)
    times = send_times(bucket, clock, 1001, overhead=0.004)
    assert times[-1] == pytest.approx(10.0, abs=1e-9)


def test_a_stall_is_made_up_by_at_most_one_burst():
    clock = FakeClock(0.0)
    bucket = TokenBucket(rate=10, burst=5, clock=clock)
    send_times(bucket, clock, 1)
    clock.sleep(60.0)  # a minute without sending: only `burst` tokens were kept
    times = send_times(bucket, clock, 7)
    assert times[:5] == [60.0] * 5
    assert times[5:] == pytest.approx([60.1, 60.2])


def test_the_long_run_rate_is_the_rate_asked():
    clock = FakeClock(0.0)
    bucket = TokenBucket(rate=250, burst=default_burst(250), clock=clock)
    times = send_times(bucket, clock, 5000)
    achieved = (len(times) - bucket.burst) / (times[-1] - times[0])
    assert achieved == pytest.approx(250, rel=1e-6)


def test_default_burst_and_bad_rates():
    assert default_burst(5) == 1.0
    assert default_burst(200) == 20.0
    with pytest.raises(ValueError):
        TokenBucket(rate=0)
