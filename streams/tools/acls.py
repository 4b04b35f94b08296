"""`streams acls`: the least Kafka rights each principal of the pipeline needs, as code.

Four principals, each allowed only what its job takes (names with STREAMS_TOPIC_PREFIX):
- the worker: read `articles`; read and write `entities`, `events`, `alerts` (its own agents
  read what it writes); write `events.daily`, `articles.dlq`; everything under `{app_id}-` (its
  changelogs, re-keyed topics and the assignor's leader topic, which it creates itself); its
  consumer group `{app_id}`. No transactional id: the worker runs at_least_once.
- the replay producer: write `articles`.
- a downstream reader: read `events` and `alerts`, and its own consumer group.
- the sink: read `events`, `events.daily`, `entities`, `alerts`, and its group.
Creating the contract topics (`streams topics`) stays with the operator (a super user).

`--apply` sends them as CreateAcls requests over one connection with the caller's credentials
(aiokafka 0.14.0's admin client has no create_acls; its protocol classes and `create_conn` do).
"""

from __future__ import annotations

from dataclasses import dataclass

from streams.contract.topics import ALERTS, ARTICLES, DAILY, DEAD_LETTERS, ENTITIES, EVENTS
from streams.settings import Settings

# Kafka's wire codes (org.apache.kafka.common.acl / resource)
TOPIC, GROUP = 2, 3
LITERAL, PREFIXED = 3, 4
OPERATIONS = {"READ": 3, "WRITE": 4, "CREATE": 5, "DESCRIBE": 8, "DESCRIBE_CONFIGS": 10}
ALLOW = 3
RESOURCE_NAMES = {TOPIC: "topic", GROUP: "group"}
PATTERN_NAMES = {LITERAL: "literal", PREFIXED: "prefixed"}

READ = ("READ", "DESCRIBE")
WRITE = ("WRITE", "DESCRIBE")
READ_WRITE = ("READ", "WRITE", "DESCRIBE")
OWN = ("READ", "WRITE", "CREATE", "DESCRIBE", "DESCRIBE_CONFIGS")  # topics the worker makes


@dataclass(frozen=True)
class Principals:
    """The SCRAM user names (`User:<name>`) and the reader's consumer group."""

    worker: str = "worker"
    replay: str = "replay"
    reader: str = "reader"
    sink: str = "sink"
    reader_group: str = "news-downstream-example"  # examples/downstream_service.py's default


@dataclass(frozen=True, order=True)
class Grant:
    principal: str  # "User:worker"
    resource: int  # TOPIC or GROUP
    name: str
    pattern: int  # LITERAL or PREFIXED
    operation: str  # a key of OPERATIONS

    def line(self) -> str:
        return (f"{self.principal:<14} {self.operation:<16} {RESOURCE_NAMES[self.resource]:<5} "
                f"{PATTERN_NAMES[self.pattern]:<8} {self.name}")


def pipeline_grants(settings: Settings, who: Principals = Principals()) -> list[Grant]:
    """Every ALLOW the pipeline needs, sorted by principal; nothing else is allowed."""
    t = settings.topic
    sink_group = settings.sink_group or f"{settings.app_id}-sink"
    plan: list[tuple[str, int, str, int, tuple[str, ...]]] = [
        (who.worker, TOPIC, t(ARTICLES), LITERAL, READ),
        *[(who.worker, TOPIC, t(name), LITERAL, READ_WRITE) for name in (ENTITIES, EVENTS, ALERTS)],
        *[(who.worker, TOPIC, t(name), LITERAL, WRITE) for name in (DAILY, DEAD_LETTERS)],
        (who.worker, TOPIC, f"{settings.app_id}-", PREFIXED, OWN),
        (who.worker, GROUP, settings.app_id, LITERAL, READ),
        (who.replay, TOPIC, t(ARTICLES), LITERAL, WRITE),
        *[(who.reader, TOPIC, t(name), LITERAL, READ) for name in (EVENTS, ALERTS)],
        (who.reader, GROUP, who.reader_group, LITERAL, READ),
        *[(who.sink, TOPIC, t(name), LITERAL, READ) for name in (EVENTS, DAILY, ENTITIES, ALERTS)],
        (who.sink, GROUP, sink_group, LITERAL, READ),
    ]
    return sorted(Grant(f"User:{user}", resource, name, pattern, operation)
                  for user, resource, name, pattern, operations in plan
                  for operation in operations)


def check_prefixes(settings: Settings) -> None:
    """The worker's `{app_id}-` prefix must not cover a contract topic: it would get every
    right on it (e.g. STREAMS_TOPIC_PREFIX equal to `{app_id}-`)."""
    own = f"{settings.app_id}-"
    covered = [t for t in map(settings.topic, (ARTICLES, ENTITIES, EVENTS, ALERTS, DAILY,
                                                DEAD_LETTERS)) if t.startswith(own)]
    if covered:
        raise ValueError(f"the worker's internal topics prefix {own!r} also covers "
                         f"{', '.join(covered)}: give STREAMS_APP_ID or STREAMS_TOPIC_PREFIX "
                         "values that do not nest")


async def apply_grants(grants: list[Grant], settings: Settings) -> int:
    """Create every grant on the broker (existing ones are left as they are); how many."""
    from aiokafka.conn import create_conn
    from aiokafka.errors import for_code
    from aiokafka.protocol.admin import CreateAclsRequest

    host, _, port = settings.bootstrap.split(",")[0].strip().rpartition(":")
    conn = await create_conn(host, int(port), **settings.security)
    try:
        for grant in grants:
            response = await conn.send(CreateAclsRequest(
                grant.resource, grant.name, grant.pattern, grant.principal, "*",
                OPERATIONS[grant.operation], ALLOW))
            [(code, message)] = response.creation_responses
            if code:
                raise for_code(code)(f"{grant.line()}: {message}")
    finally:
        conn.close()
    return len(grants)
