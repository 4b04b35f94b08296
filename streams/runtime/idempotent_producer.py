"""Faust's producer with idempotence on, so a send retried after a partition leader moved is
written once, not twice (docs/decisions/idempotent-producer.md).

faust-streaming 0.15.3 turns idempotence on only inside transactions: its aiokafka
`Producer._settings_extra` returns {"acks": "all", "enable_idempotence": True} when
`app.in_transaction` (exactly_once, which the worker refuses) and {} otherwise, and no setting
reaches it. This subclass returns those settings always.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from streams.fence import require_version

SUPPORTED_FAUST = "0.15.3"


def require_supported_faust() -> None:
    require_version("faust-streaming", SUPPORTED_FAUST, __name__, "idempotent-producer.md")


require_supported_faust()  # before importing Faust: another version may not even import

from faust.transport.drivers import aiokafka as faust_aiokafka  # noqa: E402 (after the fence)

IDEMPOTENT = {"acks": "all", "enable_idempotence": True}


class IdempotentProducer(faust_aiokafka.Producer):
    def _settings_extra(self) -> Mapping[str, Any]:
        return {**super()._settings_extra(), **IDEMPOTENT}
