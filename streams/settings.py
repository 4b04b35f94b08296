"""All configuration in one place, read from environment variables with sane defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from streams.failures import ConfigError


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
    # STREAMS_WEB_TOKEN, or the first line of STREAMS_WEB_TOKEN_FILE: the bearer token the HTTP
    # API asks for; required when web_host is not loopback (streams/http/access.py). Not in repr.
    web_token: str = field(default="", repr=False)
    processing_guarantee: str = "at_least_once"  # STREAMS_PROCESSING_GUARANTEE: the only one accepted
    max_article_bytes: int = 1_000_000  # STREAMS_MAX_ARTICLE_BYTES: checked before parsing
    max_article_mentions: int = 1000  # STREAMS_MAX_ARTICLE_MENTIONS: more is dead-lettered
    dedupe_ttl: float = 86_400.0  # STREAMS_DEDUPE_TTL (seconds): an id seen again within it is skipped
    # The extract agent hands the NLP batches of up to batch_size articles, waiting at most
    # batch_within seconds for a batch to fill: more throughput under load (docs/performance.md).
    # Under load the batch is full at once; below it every article waits, and a longer wait made
    # batches that queued behind each other (p99 1.2-1.4 s at 0.2 s, 0.5-0.6 s at 0.05 s, at half
    # of the flat-out rate). 1 reads one message at a time.
    batch_size: int = 16  # STREAMS_BATCH_SIZE
    batch_within: float = 0.05  # STREAMS_BATCH_WITHIN (seconds)
    # The count agent takes up to this many entities messages at a time (waiting at most
    # count_batch_within s) and writes each count once per batch (streams/runtime/count_agents.py):
    # no article waits on it, and larger batches write each count fewer times.
    count_batch_size: int = 500  # STREAMS_COUNT_BATCH_SIZE
    count_batch_within: float = 0.2  # STREAMS_COUNT_BATCH_WITHIN (seconds)
    # Where the extract agent runs the NLP: "process" (a child process of the worker, so the NLP
    # and the event loop run on two cores) or "thread" (in the worker, sharing its GIL)
    # (docs/performance.md#the-nlp-in-a-process-of-its-own).
    extract_in: str = "process"  # STREAMS_EXTRACT_IN
    # How long the producer waits to fill a batch before it sends. Faust's default, 0, sends a
    # request per few messages: a fifth of the worker's samples were socket writes at half load.
    producer_linger: float = 0.02  # STREAMS_PRODUCER_LINGER (seconds)
    # C allocations this large or larger get their own mapping (streams/runtime/c_heap.py)
    mmap_threshold: int = 65536  # STREAMS_MMAP_THRESHOLD (bytes; 0: glibc's own rule)
    # The same in the extraction process. The NLP's arrays for a batch are 1 to 4 MB: mapped
    # apart at 64 KB each is faulted in afresh, about a tenth more CPU per article; its heap
    # stays flat with either threshold.
    extract_mmap_threshold: int = 4 * 2**20  # STREAMS_EXTRACT_MMAP_THRESHOLD (bytes)
    # A local broker answers at once; Faust's defaults (60 s rebalance) make the first join slow.
    rebalance_timeout: float = 10.0  # STREAMS_REBALANCE_TIMEOUT (seconds)
    session_timeout: float = 10.0  # STREAMS_SESSION_TIMEOUT
    heartbeat_interval: float = 1.0  # STREAMS_HEARTBEAT_INTERVAL
    alert_rules: str = ""  # STREAMS_ALERT_RULES: a TOML rules file; "" = streams/data/alert_rules.toml
    alert_tick: float = 5.0  # STREAMS_ALERT_TICK: seconds between checks for windows that ended
    # Copies of every topic the pipeline creates, and how many must have a write before it is
    # acknowledged. 0 = derive: the app is built at import, before any broker is asked, so the
    # bootstrap list stands in for the cluster size (derive_replication).
    replication_factor: int = 0  # STREAMS_REPLICATION_FACTOR
    min_insync_replicas: int = 0  # STREAMS_MIN_INSYNC_REPLICAS
    # `streams sink`: the database it writes, its consumer group ("" = "{app_id}-sink") and the
    # most messages it writes in one transaction.
    sink_db: str = "duckdb:///var/events.duckdb"  # STREAMS_SINK_DB
    sink_group: str = ""  # STREAMS_SINK_GROUP
    sink_batch_size: int = 5000  # STREAMS_SINK_BATCH_SIZE
    log_format: str = "text"  # STREAMS_LOG_FORMAT: text (for people) or json (one object a line)
    # A worker's tracemalloc growth report goes to this file ("" = off) every heap_trace_every
    # seconds (streams/runtime/heap_trace.py): to find what grows in a soak, not for production.
    heap_trace: str = ""  # STREAMS_TRACEMALLOC
    heap_trace_every: float = 300.0  # STREAMS_TRACEMALLOC_EVERY
    security: dict = field(default_factory=dict)  # KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_* pass through

    def __post_init__(self) -> None:
        # Resolved here so that Settings() and to_env() carry real numbers. dataclasses.replace()
        # keeps them: pass replication_factor=0, min_insync_replicas=0 to derive them again.
        replication, min_insync = derive_replication(
            self.bootstrap, self.replication_factor, self.min_insync_replicas)
        object.__setattr__(self, "replication_factor", replication)  # frozen dataclass
        object.__setattr__(self, "min_insync_replicas", min_insync)

    @classmethod
    def from_env(cls) -> Settings:
        defaults = {f.name: f.default for f in fields(cls)}
        values = {}
        for name, var in ENV_VARS.items():
            default = defaults[name]
            raw = os.environ.get(var, default)
            try:
                values[name] = type(default)(raw)
            except ValueError:  # only numbers fail
                raise ConfigError(f"{var}={raw!r} is not a number") from None
        check_addresses(values["bootstrap"], values["web_port"])
        values["batch_size"] = max(1, values["batch_size"])
        values["count_batch_size"] = max(1, values["count_batch_size"])
        values["sink_batch_size"] = max(1, values["sink_batch_size"])
        check_choice("STREAMS_LOG_FORMAT", values["log_format"], LOG_FORMATS)
        check_choice("STREAMS_EXTRACT_IN", values["extract_in"], EXTRACT_IN)
        values["web_token"] = _web_token_from_env(values["web_token"])
        return cls(**values, security=_security_from_env())

    def to_env(self) -> dict[str, str]:
        """The variables that make another process (`streams worker`) read these settings."""
        return {var: str(getattr(self, name)) for name, var in ENV_VARS.items()}

    def topic(self, name: str) -> str:
        """The broker-side name of a contract topic (`articles`, `events`, ...)."""
        return f"{self.topic_prefix}{name}"

    @property
    def web_url(self) -> str:
        return f"http://{self.web_host}:{self.web_port}"

    @property
    def table_dir(self) -> Path:
        return Path(self.data_dir)

    @property
    def topic_config(self) -> dict[str, str]:
        """Broker-side config of every topic the pipeline creates (contract, internal, changelogs)."""
        return {"min.insync.replicas": str(self.min_insync_replicas)}

    def describe(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("security", "web_token")}


LOG_FORMATS = ("text", "json")  # STREAMS_LOG_FORMAT (streams/logs)
EXTRACT_IN = ("process", "thread")  # STREAMS_EXTRACT_IN (streams/runtime/extraction_process.py)

# Each setting's environment variable (security settings are read by _security_from_env).
ENV_VARS = {
    "bootstrap": "KAFKA_BOOTSTRAP",
    "app_id": "STREAMS_APP_ID",
    "topic_prefix": "STREAMS_TOPIC_PREFIX",
    "partitions": "STREAMS_PARTITIONS",
    "small_partitions": "STREAMS_SMALL_PARTITIONS",
    "store": "STREAMS_STORE",
    "data_dir": "STREAMS_DATA_DIR",
    "web_host": "STREAMS_WEB_HOST",
    "web_port": "STREAMS_WEB_PORT",
    "web_token": "STREAMS_WEB_TOKEN",
    "processing_guarantee": "STREAMS_PROCESSING_GUARANTEE",
    "max_article_bytes": "STREAMS_MAX_ARTICLE_BYTES",
    "max_article_mentions": "STREAMS_MAX_ARTICLE_MENTIONS",
    "dedupe_ttl": "STREAMS_DEDUPE_TTL",
    "batch_size": "STREAMS_BATCH_SIZE",
    "batch_within": "STREAMS_BATCH_WITHIN",
    "count_batch_size": "STREAMS_COUNT_BATCH_SIZE",
    "count_batch_within": "STREAMS_COUNT_BATCH_WITHIN",
    "extract_in": "STREAMS_EXTRACT_IN",
    "producer_linger": "STREAMS_PRODUCER_LINGER",
    "mmap_threshold": "STREAMS_MMAP_THRESHOLD",
    "extract_mmap_threshold": "STREAMS_EXTRACT_MMAP_THRESHOLD",
    "rebalance_timeout": "STREAMS_REBALANCE_TIMEOUT",
    "session_timeout": "STREAMS_SESSION_TIMEOUT",
    "heartbeat_interval": "STREAMS_HEARTBEAT_INTERVAL",
    "alert_rules": "STREAMS_ALERT_RULES",
    "alert_tick": "STREAMS_ALERT_TICK",
    "log_format": "STREAMS_LOG_FORMAT",
    "heap_trace": "STREAMS_TRACEMALLOC",
    "heap_trace_every": "STREAMS_TRACEMALLOC_EVERY",
    "replication_factor": "STREAMS_REPLICATION_FACTOR",
    "min_insync_replicas": "STREAMS_MIN_INSYNC_REPLICAS",
    "sink_db": "STREAMS_SINK_DB",
    "sink_group": "STREAMS_SINK_GROUP",
    "sink_batch_size": "STREAMS_SINK_BATCH_SIZE",
}


def check_choice(var: str, value: str, choices: tuple[str, ...]) -> None:
    """Refuse a value that is not one of `choices`, naming the variable."""
    if value not in choices:
        raise ConfigError(f"{var}={value!r} is not one of {', '.join(choices)}")


def check_addresses(bootstrap: str, web_port: int) -> None:
    """Refuse, naming the variable, what the clients would refuse with a bare int() error."""
    hint = "list the brokers as host:port, comma-separated"
    hosts = [host.strip() for host in bootstrap.split(",") if host.strip()]
    if not hosts:
        raise ConfigError("KAFKA_BOOTSTRAP is empty", hint=hint)
    for host in hosts:
        name, colon, port = host.rpartition(":")
        if colon and not (name and port.isdigit() and 0 < int(port) < 65536):
            raise ConfigError(f"KAFKA_BOOTSTRAP={bootstrap!r}: {host} is not host:port", hint=hint)
    if not 0 < web_port < 65536:
        raise ConfigError(f"STREAMS_WEB_PORT={web_port} is not a port (1 to 65535)")


def derive_replication(bootstrap: str, replication_factor: int = 0,
                       min_insync_replicas: int = 0) -> tuple[int, int]:
    """(replication factor, min.insync.replicas), each 0 meaning "derive".

    The replication factor follows the bootstrap hosts: one host -> 1, two -> 2, three or more
    -> 3. min.insync.replicas follows the replication factor: 2 from 3 copies on (writes go on
    with one broker down, and an acknowledged write is on two), else 1 (with 2 copies, 2 in sync
    would stop every write while one broker is down).
    """
    if replication_factor < 0:
        raise ConfigError(f"STREAMS_REPLICATION_FACTOR={replication_factor}: must be at least 1 "
                         "(or 0 to derive it from KAFKA_BOOTSTRAP)")
    if min_insync_replicas < 0:
        raise ConfigError(f"STREAMS_MIN_INSYNC_REPLICAS={min_insync_replicas}: must be at least 1 "
                         "(or 0 to derive it from the replication factor)")
    hosts = [host for host in bootstrap.split(",") if host.strip()]
    replication = replication_factor or min(max(len(hosts), 1), 3)
    min_insync = min_insync_replicas or (2 if replication >= 3 else 1)
    if min_insync > replication:
        raise ConfigError(f"STREAMS_MIN_INSYNC_REPLICAS={min_insync} is more than "
                         f"STREAMS_REPLICATION_FACTOR={replication}: no write could ever be "
                         "acknowledged")
    return replication, min_insync


def _web_token_from_env(token: str) -> str:
    """STREAMS_WEB_TOKEN, or the first line of the file STREAMS_WEB_TOKEN_FILE names (a secret
    mounted as a file stays out of the environment). Both may be set only if they agree (a worker
    started by `to_env()` inherits the file's variable beside the token itself)."""
    token, path = token.strip(), os.environ.get("STREAMS_WEB_TOKEN_FILE", "")
    if not path:
        return token
    lines = Path(path).read_text(encoding="utf-8").splitlines()  # a missing file: OSError, one line
    if not lines or not lines[0].strip():
        raise ValueError(f"STREAMS_WEB_TOKEN_FILE={path} is empty")
    if token and token != lines[0].strip():
        raise ValueError("STREAMS_WEB_TOKEN and STREAMS_WEB_TOKEN_FILE differ: set one")
    return lines[0].strip()


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
