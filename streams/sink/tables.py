"""The sink's tables: columns, primary keys and indexes, in SQL both DuckDB and PostgreSQL read.

Times are UTC, stored as TIMESTAMP without a time zone (both databases return them the same
way); nested JSON (an alert's evidence, a daily record's event ids) is kept as JSON text; every
number from a message is BIGINT or DOUBLE PRECISION, so no value that passed streams.sink.rows
can overflow its column.
Every row also keeps where it was read (`kafka_partition`, `kafka_offset`): a redelivered older
message never overwrites a newer one of the same id (streams.sink.store).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    name: str
    key: str  # the primary key column: the message's id
    columns: tuple[tuple[str, str], ...]  # (name, SQL type), the key first
    indexes: tuple[tuple[str, ...], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


PROVENANCE = (("kafka_partition", "INTEGER"), ("kafka_offset", "BIGINT"))
PLACE = (("geonameid", "BIGINT"), ("location_name", "TEXT"), ("lat", "DOUBLE PRECISION"),
         ("lon", "DOUBLE PRECISION"), ("country", "TEXT"), ("feature_class", "TEXT"))
ACTORS = (("source_code", "TEXT"), ("source_text", "TEXT"), ("target_code", "TEXT"),
          ("target_text", "TEXT"))
ACTION = (("cameo_code", "TEXT"), ("cameo_root", "TEXT"), ("quad_class", "BIGINT"),
          ("goldstein", "DOUBLE PRECISION"), ("plover_event", "TEXT"))

EVENTS = Table(
    "events", "event_id",
    (("event_id", "TEXT"), ("article_id", "TEXT"), ("event_date", "DATE"),
     ("published_at", "TIMESTAMP"), *ACTORS, *ACTION, ("sentence_index", "BIGINT"), *PLACE,
     ("article_mentions", "BIGINT"), ("article_events", "BIGINT"), ("article_source", "TEXT"),
     ("article_url", "TEXT"), ("kafka_time", "TIMESTAMP"), ("schema_version", "BIGINT"),
     *PROVENANCE),
    (("event_date",), ("source_code",), ("target_code",), ("geonameid",), ("country",),
     ("article_id",)),
)

EVENTS_DAILY = Table(
    "events_daily", "record_id",
    (("record_id", "TEXT"), ("global_event_id", "BIGINT"), ("event_date", "DATE"), *ACTORS,
     *ACTION, *PLACE, ("first_seen", "TIMESTAMP"), ("last_seen", "TIMESTAMP"),
     ("num_mentions", "BIGINT"), ("num_articles", "BIGINT"), ("num_sources", "BIGINT"),
     ("event_ids", "TEXT"), ("source_url", "TEXT"), ("schema_version", "BIGINT"), *PROVENANCE),
    (("event_date",), ("source_code",), ("target_code",), ("geonameid",), ("country",)),
)

ENTITIES = Table(
    "entities", "mention_id",
    (("mention_id", "TEXT"), ("article_id", "TEXT"), ("kind", "TEXT"), ("entity_key", "TEXT"),
     ("text", "TEXT"), ("field", "TEXT"), ("span_start", "BIGINT"), ("span_end", "BIGINT"),
     ("type", "TEXT"), ("nominal", "BOOLEAN"), ("nested", "BOOLEAN"), ("code", "TEXT"),
     *PLACE, ("sentence_index", "BIGINT"), ("first_in_article", "BOOLEAN"),
     ("article_mentions", "BIGINT"), ("article_events", "BIGINT"), ("event_date", "DATE"),
     ("published_at", "TIMESTAMP"), ("kafka_time", "TIMESTAMP"), ("schema_version", "BIGINT"),
     *PROVENANCE),
    (("event_date",), ("code",), ("geonameid",), ("article_id",)),
)

ALERTS = Table(
    "alerts", "id",
    (("id", "TEXT"), ("rule", "TEXT"), ("kind", "TEXT"), ("severity", "TEXT"),
     ("subject_kind", "TEXT"), ("subject_code", "TEXT"), ("subject_geonameid", "BIGINT"),
     ("subject_name", "TEXT"), ("window_start", "TIMESTAMP"), ("window_end", "TIMESTAMP"),
     ("observed", "DOUBLE PRECISION"), ("baseline", "DOUBLE PRECISION"), ("evidence", "TEXT"),
     ("details", "TEXT"), ("created_at", "TIMESTAMP"), ("schema_version", "BIGINT"),
     *PROVENANCE),
    (("window_start",), ("subject_code",), ("subject_geonameid",)),
)

# Bad messages (not JSON, no id, a field of the wrong type): kept once each, by where they were.
REJECTED = Table(
    "sink_rejected", "position",
    (("position", "TEXT"), ("topic", "TEXT"), ("kafka_partition", "INTEGER"),
     ("kafka_offset", "BIGINT"), ("message_key", "TEXT"), ("reason", "TEXT"),
     ("value_size", "BIGINT"), ("value_text", "TEXT"), ("kafka_time", "TIMESTAMP")),
    (("topic",),),
)

ROW_TABLES = (EVENTS, EVENTS_DAILY, ENTITIES, ALERTS, REJECTED)
TABLES = {table.name: table for table in ROW_TABLES}

# The consumed positions, written in the same transaction as the rows they cover.
OFFSETS_TABLE = "sink_offsets"
VERSION_TABLE = "sink_schema_version"
