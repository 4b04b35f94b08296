"""Kafka v2 record batches as bytes, with header names that need not be UTF-8.

The Kafka protocol carries a header name as bytes and the broker stores what it is sent, but
aiokafka's C batch builder only takes `str` names and encodes them strictly. Its pure-Python
builder writes `name.encode("utf-8")`: a `RawHeaderName` returns its own bytes there. The unit
tests read these batches; tests/integration/probes.py sends them to the broker.
"""

from __future__ import annotations

import struct

from aiokafka.record.default_records import _DefaultRecordBatchBuilderPy

CODECS = {None: _DefaultRecordBatchBuilderPy.CODEC_NONE,
          "gzip": _DefaultRecordBatchBuilderPy.CODEC_GZIP}


class RawHeaderName(str):
    """A header name given as bytes; as text it is those bytes decoded with surrogateescape."""

    raw: bytes

    def __new__(cls, raw: bytes) -> RawHeaderName:
        name = super().__new__(cls, raw.decode("utf-8", "surrogateescape"))
        name.raw = raw
        return name

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        return self.raw


def header_names(headers) -> list[tuple[str, bytes | None]]:
    """Headers whose bytes names become RawHeaderNames, for `_DefaultRecordBatchBuilderPy`."""
    return [(RawHeaderName(name) if isinstance(name, bytes) else name, value)
            for name, value in headers]


def python_builder(compression: str | None = None) -> _DefaultRecordBatchBuilderPy:
    return _DefaultRecordBatchBuilderPy(2, CODECS[compression], is_transactional=0,
                                        producer_id=-1, producer_epoch=-1, base_sequence=0,
                                        batch_size=2**24)


def record_batch(records, *, base_offset: int = 0, compression: str | None = None,
                 timestamp: int = 1_700_000_000_000) -> bytes:
    """One batch as a fetch response holds it: `records` are (key, value, headers), with
    offsets base_offset, base_offset + 1, ... and timestamps `timestamp` + n ms."""
    builder = python_builder(compression)
    for n, (key, value, headers) in enumerate(records):
        builder.append(n, timestamp=timestamp + n, key=key, value=value,
                       headers=header_names(headers))
    data = bytearray(builder.build())
    struct.pack_into(">q", data, 0, base_offset)  # the broker assigns the base offset
    return bytes(data)
