"""aiokafka's fetcher, reading a record whose header name is not UTF-8 instead of crashing.

Written against aiokafka 0.14.0 (checked at import). Kafka carries a header name as bytes and
the broker stores whatever a producer wrote, but aiokafka 0.14.0 decodes each name as strict
UTF-8 while it reads a record batch: its C reader raises UnicodeDecodeError, its Python reader
the same wrapped in CorruptRecordException. The error leaves `Fetcher.fetched_records` inside
Faust's fetch loop, the worker exits, and after a restart it fetches the same record again: the
partition never moves (docs/decisions/aiokafka-header-names.md).

`install()`, called by `streams.runtime.app.create_app`, replaces one name: the `MemoryRecords`
the fetcher builds from each fetch response becomes `HeaderTolerantRecords`. It splits the
response into the same batches (aiokafka's own `_MemoryRecordsPy`), each read by aiokafka's own
reader (the C one when built). Only a batch whose reader raises on a header name is read again
from its bytes by `LenientBatch`, which decodes header names with `surrogateescape`: the name is
a `str`, and `name.encode("utf-8", "surrogateescape")` gives its bytes back. The records of that
batch delivered before the error are skipped, the others delivered, and one warning names the
batch. What the pipeline then does with the record is its own rule (streams.contract.articles).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator
from typing import Any

from streams.fence import require_version

AIOKAFKA_VERSION = "0.14.0"
require_version("aiokafka", AIOKAFKA_VERSION, __name__, "aiokafka-header-names.md")

from aiokafka.consumer import fetcher  # noqa: E402  (after the version check: private names)
from aiokafka.errors import CorruptRecordException  # noqa: E402
from aiokafka.record import memory_records  # noqa: E402
from aiokafka.record.default_records import _DefaultRecordBatchPy, _DefaultRecordPy  # noqa: E402
from aiokafka.record.util import decode_varint  # noqa: E402

log = logging.getLogger(__name__)


def install() -> None:
    """Make aiokafka's fetcher read every fetch response through HeaderTolerantRecords."""
    fetcher.MemoryRecords = HeaderTolerantRecords


def installed() -> bool:
    return fetcher.MemoryRecords is HeaderTolerantRecords


def is_header_name_error(exc: BaseException) -> bool:
    """True for the error aiokafka 0.14.0's readers raise on a header name that is not UTF-8:
    UnicodeDecodeError (C), or CorruptRecordException caused by one (Python); nothing else in a
    record is decoded."""
    if isinstance(exc, CorruptRecordException):
        exc = exc.__cause__
    return isinstance(exc, UnicodeDecodeError)


class HeaderTolerantRecords:
    """The record batches of one fetch response, as MemoryRecords gives them (`has_next`,
    `next_batch`, `size_in_bytes`); each v2 batch keeps its bytes, for a second reading."""

    def __init__(self, data: bytes) -> None:
        self._records = memory_records._MemoryRecordsPy(data)

    def size_in_bytes(self) -> int:
        return self._records.size_in_bytes()

    def has_next(self) -> bool:
        return self._records.has_next()

    def next_batch(self) -> Any:
        raw = self._records._next_slice  # the bytes next_batch() reads its batch from
        batch = self._records.next_batch()
        if not isinstance(batch, memory_records.DefaultRecordBatch):
            return batch  # None, or v0/v1 messages, which have no headers
        return HeaderTolerantBatch(batch, raw)


class HeaderTolerantBatch:
    """A v2 record batch read by aiokafka's reader, and read again by LenientBatch from where
    that reader stopped if it raised on a header name. Everything else is the batch's own."""

    def __init__(self, batch: Any, raw: memoryview) -> None:
        self._batch = batch
        self._raw = raw
        self._records: Iterator[Any] | None = None

    def __getattr__(self, name: str) -> Any:  # base_offset, validate_crc, is_control_batch, ...
        return getattr(self._batch, name)

    def __iter__(self) -> Iterator[Any]:
        if self._records is None:
            self._records = self._read()
        return self._records

    def __next__(self) -> Any:
        return next(iter(self))

    def _read(self) -> Iterator[Any]:
        records = iter(self._batch)
        delivered = 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            except (UnicodeDecodeError, CorruptRecordException) as exc:
                if not is_header_name_error(exc):
                    raise
                log.warning("record batch at offset %d: a header name is not UTF-8 (%s); reading "
                            "it again with the name's bytes kept (surrogateescape)",
                            self._batch.base_offset, exc.__cause__ or exc)
                break
            delivered += 1
            yield record
        yield from itertools.islice(LenientBatch(self._raw), delivered, None)


class LenientBatch(_DefaultRecordBatchPy):
    """aiokafka 0.14.0's Python reader of a v2 batch (decompression, CRC, the checks of
    `__next__`), with its `_read_msg` rewritten to decode header names with surrogateescape."""

    def _read_msg(self, decode_varint: Callable[[bytearray, int], tuple[int, int]] = decode_varint
                  ) -> _DefaultRecordPy:
        buffer = self._buffer

        def read_bytes(pos: int) -> tuple[bytes | None, int]:
            size, pos = decode_varint(buffer, pos)
            return (bytes(buffer[pos:pos + size]), pos + size) if size >= 0 else (None, pos)

        length, pos = decode_varint(buffer, self._pos)
        start = pos
        _, pos = decode_varint(buffer, pos)  # attributes: unused
        ts_delta, pos = decode_varint(buffer, pos)
        offset_delta, pos = decode_varint(buffer, pos)
        key, pos = read_bytes(pos)
        value, pos = read_bytes(pos)
        count, pos = decode_varint(buffer, pos)
        if count < 0:
            raise CorruptRecordException(f"Found invalid number of record headers {count}")
        headers: list[tuple[str, bytes | None]] = []
        for _ in range(count):
            name, pos = read_bytes(pos)
            if name is None:
                raise CorruptRecordException("Invalid negative header key size")
            h_value, pos = read_bytes(pos)
            headers.append((name.decode("utf-8", "surrogateescape"), h_value))
        if pos - start != length:
            raise CorruptRecordException(f"Invalid record size: expected to read {length} bytes "
                                         f"in record payload, but instead read {pos - start}")
        self._pos = pos
        timestamp = (self.max_timestamp if self.timestamp_type == self.LOG_APPEND_TIME
                     else self.first_timestamp + ts_delta)
        return _DefaultRecordPy(self.base_offset + offset_delta, timestamp, self.timestamp_type,
                                key, value, headers)
