"""The one Faust app: settings in, topics, tables, agents and views wired together.

Run a worker with `streams worker` (or `faust -A streams.runtime.app worker`).
"""

from __future__ import annotations

import faust

from streams.contract.topics import declare_topics
from streams.http.access import check_exposure, token_middleware
from streams.http.dashboard import register_dashboard_views
from streams.http.health import register_health_views
from streams.http.metrics import register_metrics_view
from streams.http.views import register_views
from streams.runtime import aiokafka_headers
from streams.runtime.agents import register_agents
from streams.runtime.alert_agents import register_alerting
from streams.runtime.count_agents import register_counting
from streams.runtime.daily_agents import register_daily
from streams.runtime.ordered_consumer import OrderedTransport, install_releasing_flow_control
from streams.runtime.preflight import SUPPORTED_GUARANTEE, check_processing_guarantee
from streams.runtime.recent import Recent
from streams.runtime.recent_reader import register_recent_reader
from streams.runtime.tables import declare_tables
from streams.runtime.worker_logs import install_worker_logs
from streams.settings import Settings

# Every in-sync replica has a write before it counts as sent (Faust's default, made explicit).
# Idempotence has no Faust setting: the transport's producer turns it on (idempotent_producer.py).
PRODUCER_ACKS = -1


def create_app(settings: Settings) -> faust.App:
    check_processing_guarantee(settings)
    check_exposure(settings.web_host, settings.web_token)  # no open API beyond loopback
    aiokafka_headers.install()  # a header name that is not UTF-8 (docs/decisions/aiokafka-header-names.md)
    app = faust.App(
        settings.app_id,
        broker=[f"kafka://{host}" for host in settings.bootstrap.split(",")],
        broker_credentials=_credentials(settings),
        store=settings.store,
        datadir=settings.data_dir,
        topic_partitions=settings.partitions,
        # Changelogs and the internal topic: as many copies as the contract topics; their
        # min.insync.replicas comes with each declaration (settings.topic_config).
        topic_replication_factor=settings.replication_factor,
        producer_acks=PRODUCER_ACKS,
        producer_linger=settings.producer_linger,
        processing_guarantee=SUPPORTED_GUARANTEE,
        web_bind=settings.web_host,
        web_host=settings.web_host,
        web_port=settings.web_port,
        # the bearer-token guard (streams/http/access.py) runs before every view, Faust's too
        web_application_options={"middlewares": [token_middleware(settings.web_token)]},
        broker_rebalance_timeout=settings.rebalance_timeout,
        broker_session_timeout=settings.session_timeout,
        broker_heartbeat_interval=settings.heartbeat_interval,
        consumer_auto_offset_reset="earliest",
        autodiscover=False,
    )
    install_releasing_flow_control(app)  # docs/decisions/ordered-consumer.md, as the transport
    app.transport = OrderedTransport(app.conf.broker_consumer, app)  # docs/decisions/ordered-consumer.md
    install_worker_logs(app, settings.log_format)  # STREAMS_LOG_FORMAT, repeats and outages quieted
    topics = declare_topics(app, settings)
    tables = declare_tables(app, settings)
    guard = register_agents(app, topics, tables, settings)
    register_counting(app, topics, tables, settings, guard)  # streams/runtime/count_agents.py
    register_alerting(app, topics, tables, settings, guard)
    register_daily(app, topics, tables, guard)  # events.daily (streams/runtime/daily_agents.py)
    register_views(app, topics, tables, settings.web_token)
    recent = Recent()  # the last events and alerts, read from the topics (not tables)
    recent_reader = register_recent_reader(app, settings, recent)
    register_dashboard_views(app, recent)
    # /health/live, /health/ready (streams/http/health.py); ready waits for the recent lists
    register_health_views(app, recent_loaded=lambda: recent_reader.loaded)
    register_metrics_view(app)  # GET /metrics: this worker's counters (streams/http/metrics.py)
    return app


def _credentials(settings: Settings):
    """Faust's view of KAFKA_SECURITY_PROTOCOL and friends: SASL (SCRAM, PLAIN) over TLS or not,
    TLS alone, or None for plaintext. The TLS context is the one the other clients use."""
    sec = settings.security
    if sec.get("sasl_mechanism"):
        return faust.SASLCredentials(
            username=sec.get("sasl_plain_username"),
            password=sec.get("sasl_plain_password"),
            mechanism=sec["sasl_mechanism"],
            ssl_context=sec.get("ssl_context"),
        )
    if sec.get("ssl_context") is not None:
        return faust.SSLCredentials(sec["ssl_context"])
    return None


app = create_app(Settings.from_env())
