"""All configuration in one place, read from environment variables with sane defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    """Every knob of the pipeline. `Settings.from_env()` reads `KAFKA_*` and `STREAMS_*` variables."""

    bootstrap: str = "127.0.0.1:9092"  # KAFKA_BOOTSTRAP
    app_id: str = "news-event-streams"  # STREAMS_APP_ID: the consumer group and table prefix
    topic_prefix: str = ""  # STREAMS_TOPIC_PREFIX: isolates test runs; "" in production
    partitions: int = 4  # STREAMS_PARTITIONS: articles, entities, events
    small_partitions: int = 1  # STREAMS_SMALL_PARTITIONS: alerts, articles.dlq
    store: str = "rocksdb://"  # STREAMS_STORE: or memory://
    data_dir: str = "var/faust"  # STREAMS_DATA_DIR: table state (RocksDB) lives here
    web_host: str = "127.0.0.1"  # STREAMS_WEB_HOST: read-only API, loopback unless told
    web_port: int = 6066  # STREAMS_WEB_PORT
    processing_guarantee: str = "at_least_once"  # STREAMS_PROCESSING_GUARANTEE
    max_article_bytes: int = 1_000_000  # STREAMS_MAX_ARTICLE_BYTES: checked before parsing
    max_article_mentions: int = 1000  # STREAMS_MAX_ARTICLE_MENTIONS: more is dead-lettered
    dedupe_ttl: float = 86_400.0  # STREAMS_DEDUPE_TTL (seconds): an id seen again within it is skipped
    # The extract agent can hand the NLP batches of up to batch_size articles, waiting at most
    # batch_within seconds for a batch to fill: more throughput under load. The default is one
    # article at a time: with Faust's take_events a kill -9 recovery test once left 3 of 2,000
    # articles unprocessed and a partition's commits stuck (see README, Performance).
    batch_size: int = 1  # STREAMS_BATCH_SIZE
    batch_within: float = 0.2  # STREAMS_BATCH_WITHIN (seconds)
    # A local broker answers at once; Faust's defaults (60 s rebalance) make the first join slow.
    rebalance_timeout: float = 10.0  # STREAMS_REBALANCE_TIMEOUT (seconds)
    session_timeout: float = 10.0  # STREAMS_SESSION_TIMEOUT
    heartbeat_interval: float = 1.0  # STREAMS_HEARTBEAT_INTERVAL
    alert_rules: str = ""  # STREAMS_ALERT_RULES: a TOML rules file; "" = streams/data/alert_rules.toml
    alert_tick: float = 5.0  # STREAMS_ALERT_TICK: seconds between checks for windows that ended
    security: dict = field(default_factory=dict)  # KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_* pass through

    @classmethod
    def from_env(cls) -> Settings:
        defaults = cls()
        return cls(
            bootstrap=_env("KAFKA_BOOTSTRAP", defaults.bootstrap),
            app_id=_env("STREAMS_APP_ID", defaults.app_id),
            topic_prefix=_env("STREAMS_TOPIC_PREFIX", defaults.topic_prefix),
            partitions=int(_env("STREAMS_PARTITIONS", str(defaults.partitions))),
            small_partitions=int(
                _env("STREAMS_SMALL_PARTITIONS", str(defaults.small_partitions))
            ),
            store=_env("STREAMS_STORE", defaults.store),
            data_dir=_env("STREAMS_DATA_DIR", defaults.data_dir),
            web_host=_env("STREAMS_WEB_HOST", defaults.web_host),
            web_port=int(_env("STREAMS_WEB_PORT", str(defaults.web_port))),
            processing_guarantee=_env(
                "STREAMS_PROCESSING_GUARANTEE", defaults.processing_guarantee
            ),
            max_article_bytes=int(
                _env("STREAMS_MAX_ARTICLE_BYTES", str(defaults.max_article_bytes))
            ),
            max_article_mentions=int(
                _env("STREAMS_MAX_ARTICLE_MENTIONS", str(defaults.max_article_mentions))
            ),
            dedupe_ttl=float(_env("STREAMS_DEDUPE_TTL", str(defaults.dedupe_ttl))),
            batch_size=max(1, int(_env("STREAMS_BATCH_SIZE", str(defaults.batch_size)))),
            batch_within=float(_env("STREAMS_BATCH_WITHIN", str(defaults.batch_within))),
            rebalance_timeout=float(
                _env("STREAMS_REBALANCE_TIMEOUT", str(defaults.rebalance_timeout))
            ),
            session_timeout=float(_env("STREAMS_SESSION_TIMEOUT", str(defaults.session_timeout))),
            heartbeat_interval=float(
                _env("STREAMS_HEARTBEAT_INTERVAL", str(defaults.heartbeat_interval))
            ),
            alert_rules=_env("STREAMS_ALERT_RULES", defaults.alert_rules),
            alert_tick=float(_env("STREAMS_ALERT_TICK", str(defaults.alert_tick))),
            security=_security_from_env(),
        )

    def topic(self, name: str) -> str:
        """The broker-side name of a contract topic (`articles`, `events`, ...)."""
        return f"{self.topic_prefix}{name}"

    @property
    def web_url(self) -> str:
        return f"http://{self.web_host}:{self.web_port}"

    @property
    def table_dir(self) -> Path:
        return Path(self.data_dir)

    def describe(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "security"}


def _security_from_env() -> dict:
    """SASL_SSL/SCRAM settings for a secured cluster, passed through to the Kafka clients.

    Example: KAFKA_SECURITY_PROTOCOL=SASL_SSL KAFKA_SASL_MECHANISM=SCRAM-SHA-512
    KAFKA_SASL_USERNAME=... KAFKA_SASL_PASSWORD=... KAFKA_SSL_CAFILE=/path/ca.pem

    The result is keyword arguments for every aiokafka client (producer, consumer, admin); for
    SSL and SASL_SSL it holds an `ssl_context` that verifies the brokers against the system's
    CAs, or only KAFKA_SSL_CAFILE's when that is set (aiokafka takes no CA file argument).
    """
    keys = {
        "KAFKA_SECURITY_PROTOCOL": "security_protocol",
        "KAFKA_SASL_MECHANISM": "sasl_mechanism",
        "KAFKA_SASL_USERNAME": "sasl_plain_username",
        "KAFKA_SASL_PASSWORD": "sasl_plain_password",
    }
    options: dict = {option: os.environ[var] for var, option in keys.items() if os.environ.get(var)}
    if options.get("security_protocol", "").upper() in ("SSL", "SASL_SSL"):
        import ssl

        options["ssl_context"] = ssl.create_default_context(
            cafile=os.environ.get("KAFKA_SSL_CAFILE") or None)
    return options
