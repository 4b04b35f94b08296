"""`/health/ready` tells the truth about the broker: a ready worker on a private broker
(`second_broker`) answers 503 naming the broker within seconds of the broker stopping, and 200
again once it is back; `/health/live` answers 200 throughout. The shared broker is not touched.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import orjson
import pytest
from probes import wait_until

pytestmark = pytest.mark.integration

DOWN_WITHIN = 10.0  # seconds from the broker gone to a 503
BACK_WITHIN = 60.0  # seconds from the broker back to a 200 (the group rejoins first)


def answer(settings, path: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{settings.web_url}{path}", timeout=5) as response:
            return response.status, orjson.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, orjson.loads(exc.read())


def test_ready_goes_503_when_the_broker_stops_and_200_when_it_is_back(
        second_broker, fresh_settings, new_worker):
    settings = fresh_settings("health", bootstrap=second_broker.bootstrap)
    worker = new_worker(settings, "health")
    worker.start()  # returns once it serves (/health/live)
    status, body = wait_until(lambda: (r := answer(settings, "/health/ready"))[0] == 200 and r,
                              "/health/ready at 200 (model loaded, partitions assigned)",
                              timeout=240, interval=0.5)
    assert body["checks"]["broker"] is True and body["checks"]["model_loaded"] is True
    assert body["checks"]["partitions_assigned"] > 0

    second_broker.stop()
    stopped = time.monotonic()
    status, body = wait_until(lambda: (r := answer(settings, "/health/ready"))[0] == 503 and r,
                              "/health/ready at 503", timeout=DOWN_WITHIN, interval=0.2)
    down_after = time.monotonic() - stopped
    assert body["status"] == "not_ready"
    assert body["reason"].startswith("broker unreachable"), body
    assert answer(settings, "/health")[0] == 503  # the alias
    assert answer(settings, "/health/live")[0] == 200

    second_broker.start()
    started = time.monotonic()
    status, body = wait_until(lambda: (r := answer(settings, "/health/ready"))[0] == 200 and r,
                              "/health/ready at 200 again", timeout=BACK_WITHIN, interval=0.5)
    print(f"\n503 {down_after:.1f}s after the broker stopped; "
          f"200 {time.monotonic() - started:.1f}s after it was back")
    assert body["checks"]["broker"] is True
    assert worker.alive
