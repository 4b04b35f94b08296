"""aiokafka 0.14.0 reading a header name that is not UTF-8, driven through its fetcher's own
PartitionRecords with record batches as a fetch response holds them (a regression test for the
name x-ff-fe that stopped the worker on every restart)."""

from __future__ import annotations

import importlib
import struct
from dataclasses import replace
from unittest.mock import Mock

import aiokafka
import pytest
from aiokafka.consumer import fetcher
from aiokafka.errors import CorruptRecordException
from aiokafka.record import memory_records
from aiokafka.record.default_records import DefaultRecordBase, _DefaultRecordBatchPy
from aiokafka.record.legacy_records import LegacyRecordBatchBuilder
from aiokafka.structs import TopicPartition
from record_batches import record_batch

from streams import fence
from streams.runtime import aiokafka_headers
from streams.runtime.aiokafka_headers import (
    HeaderTolerantBatch,
    HeaderTolerantRecords,
    LenientBatch,
)
from streams.runtime.app import create_app
from streams.settings import Settings

TP = TopicPartition("articles", 0)
BAD_NAME = b"x-\xff\xfe"
GOOD = [(b"k0", b"v0", [("a", b"1")]), (b"k1", None, [("b", None), ("", b"")]),
        (None, b"v2", []), (b"k3", b"v3", [("ключ", b"\xff")])]


def partition_records(data: bytes, records=HeaderTolerantRecords) -> fetcher.PartitionRecords:
    """What the fetcher builds from one partition's fetch response (READ_UNCOMMITTED, CRCs
    checked), `MemoryRecords` being `records`."""
    return fetcher.PartitionRecords(TP, records(data), None, 0, None, None, True,
                                    fetcher.READ_UNCOMMITTED)


def read(data: bytes, records=HeaderTolerantRecords) -> list[tuple]:
    return [(r.offset, r.key, r.value, r.headers, r.timestamp)
            for r in partition_records(data, records)]


@pytest.fixture
def lenient(monkeypatch):
    """LenientBatch, spied on: how many batches were read a second time."""
    spy = Mock(side_effect=LenientBatch)
    monkeypatch.setattr(aiokafka_headers, "LenientBatch", spy)
    return spy


def test_aiokafka_itself_stops_on_a_header_name_that_is_not_utf8():
    """The bug: the C reader raises out of the fetcher (the Python one: CorruptRecordException)."""
    data = record_batch([(b"k", b"v", [(BAD_NAME, b"v")])])
    with pytest.raises(UnicodeDecodeError):
        read(data, memory_records.MemoryRecords)
    with pytest.raises(CorruptRecordException, match="UnicodeDecodeError"):
        list(_DefaultRecordBatchPy(data))


def test_the_installed_aiokafka_reads_batches_with_its_c_extension():
    """So the tests below drive the fast path the worker uses."""
    assert memory_records.DefaultRecordBatch.__module__.startswith("aiokafka.record._crecords")


def test_a_batch_with_a_header_name_that_is_not_utf8_is_read_with_the_name_kept(lenient):
    data = record_batch([(b"k", b"v", [(BAD_NAME, b"value"), ("ok", None)])], base_offset=40)
    [(offset, key, value, headers, _)] = read(data)
    assert (offset, key, value) == (40, b"k", b"v")
    assert headers == (("x-\udcff\udcfe", b"value"), ("ok", None))
    assert headers[0][0].encode("utf-8", "surrogateescape") == BAD_NAME
    assert lenient.call_count == 1


def test_a_good_batch_is_left_to_aiokafkas_reader(lenient):
    data = record_batch(GOOD)
    records = HeaderTolerantRecords(data)
    batch = records.next_batch()
    assert type(batch._batch) is memory_records.DefaultRecordBatch  # the C reader
    assert not records.has_next() and records.size_in_bytes() == len(data)
    assert read(data) == read(data, memory_records.MemoryRecords)
    assert [r[3] for r in read(data)] == [(("a", b"1"),), (("b", None), ("", b"")), (),
                                          (("ключ", b"\xff"),)]
    assert lenient.call_count == 0


def test_a_bad_name_among_good_records_delivers_every_record_once_in_order(lenient):
    records = [*GOOD[:2], (b"bad", b"v", [("a", b"1"), (BAD_NAME, b"2")]), *GOOD[2:]]
    [*before, bad, after1, after2] = read(record_batch(records, base_offset=100))
    assert [r[0] for r in (*before, bad, after1, after2)] == [100, 101, 102, 103, 104]
    assert before == read(record_batch(GOOD[:2], base_offset=100))
    assert bad[1:4] == (b"bad", b"v", (("a", b"1"), ("x-\udcff\udcfe", b"2")))
    assert [after1[1:4], after2[1:4]] == [(k, v, tuple(h)) for k, v, h in GOOD[2:]]
    assert lenient.call_count == 1


def test_only_the_batch_with_the_bad_name_is_read_again(lenient, caplog):
    data = (record_batch(GOOD[:2]) + record_batch([(b"bad", None, [(BAD_NAME, None)])], base_offset=2)
            + record_batch(GOOD[2:], base_offset=3))
    assert [r[0] for r in read(data)] == [0, 1, 2, 3, 4]
    assert lenient.call_count == 1
    assert [r.getMessage() for r in caplog.records] == [
        "record batch at offset 2: a header name is not UTF-8 ('utf-8' codec can't decode byte "
        "0xff in position 2: invalid start byte); reading it again with the name's bytes kept "
        "(surrogateescape)"]


def test_a_compressed_batch_is_read_again_from_its_compressed_bytes(lenient):
    records = [GOOD[0], (b"bad", b"v" * 1000, [(BAD_NAME, b"\x00")]), GOOD[3]]
    got = read(record_batch(records, compression="gzip"))
    assert got == read(record_batch(records))  # the same records as from the plain batch
    assert got[1][3] == (("x-\udcff\udcfe", b"\x00"),)
    assert lenient.call_count == 2  # once for each of the two batches


def test_aiokafkas_python_reader_is_caught_too(monkeypatch, lenient):
    """With AIOKAFKA_NO_EXTENSIONS the error is a CorruptRecordException caused by the decode."""
    monkeypatch.setattr(memory_records, "DefaultRecordBatch", _DefaultRecordBatchPy)
    data = record_batch([GOOD[0], (b"bad", b"v", [(BAD_NAME, b"2")])])
    assert [r[3] for r in read(data)] == [(("a", b"1"),), (("x-\udcff\udcfe", b"2"),)]
    assert lenient.call_count == 1


@pytest.mark.parametrize("timestamp_type", [DefaultRecordBase.CREATE_TIME,
                                            DefaultRecordBase.LOG_APPEND_TIME])
def test_the_lenient_reader_reads_a_good_batch_exactly_as_aiokafka(timestamp_type):
    data = bytearray(record_batch(GOOD, base_offset=7))
    if timestamp_type == DefaultRecordBase.LOG_APPEND_TIME:  # the broker sets the bit
        attributes = DefaultRecordBase.ATTRIBUTES_OFFSET
        struct.pack_into(">h", data, attributes, DefaultRecordBase.TIMESTAMP_TYPE_MASK)
    fields = ("offset", "timestamp", "timestamp_type", "key", "value", "headers")
    expected = [tuple(getattr(r, f) for f in fields)
                for r in memory_records.DefaultRecordBatch(bytes(data))]
    assert [tuple(getattr(r, f) for f in fields) for r in LenientBatch(bytes(data))] == expected
    assert {r[1] for r in expected} == ({1_700_000_000_003} if timestamp_type else
                                        {1_700_000_000_000 + n for n in range(4)})


def corrupted(change) -> bytes:
    """A one-record batch whose record bytes `change` alters (the batch CRC is not checked)."""
    data = bytearray(record_batch([(b"k", b"v", [])]))
    change(data)
    return bytes(data)


@pytest.mark.parametrize("change, error", [
    (lambda d: d.__setitem__(-1, 0x01), "Found invalid number of record headers -1"),
    (lambda d: d.__setitem__(-1, 0x02),  # one header, past the end of the record
     "Invalid record size: expected to read 8 bytes in record payload, but instead read 10"),
    (lambda d: d.__setitem__(61, d[61] + 2),  # the record's length, one more
     "Invalid record size: expected to read 9 bytes in record payload, but instead read 8"),
])
def test_the_lenient_reader_refuses_a_corrupt_record_as_aiokafka_does(change, error):
    for reader in (LenientBatch, _DefaultRecordBatchPy):
        with pytest.raises(CorruptRecordException) as refused:
            list(reader(corrupted(change)))
        assert str(refused.value) == f"[Error 2] CorruptRecordException: {error}"


def test_a_header_name_of_negative_size_is_corrupt():
    data = bytearray(record_batch([(b"k", b"v", [("n", b"")])]))
    assert data[-4:] == b"\x02\x02n\x00"  # 1 header, name size 1, "n", empty value
    data[-4:] = b"\x02\x01\x00\x00"  # name size -1
    with pytest.raises(CorruptRecordException, match="negative header key size"):
        list(LenientBatch(bytes(data)))


class FailingBatch:
    base_offset = 0

    def __iter__(self):
        return self

    def __next__(self):
        raise CorruptRecordException("Invalid record size")


def test_other_errors_of_a_batch_are_aiokafkas_own(lenient):
    with pytest.raises(CorruptRecordException, match="Invalid record size"):
        list(HeaderTolerantBatch(FailingBatch(), memoryview(b"")))
    data = bytearray(record_batch(GOOD))
    data[-1] ^= 0xFF  # the CRC no longer matches: the fetcher checks it on the batch itself
    with pytest.raises(CorruptRecordException, match="Invalid CRC"):
        read(bytes(data))
    assert lenient.call_count == 0


def test_a_batch_read_with_next_as_the_fetcher_reads_control_batches():
    batch = HeaderTolerantRecords(record_batch([GOOD[0], (b"bad", None, [(BAD_NAME, None)])])
                                  ).next_batch()
    assert (next(batch).key, next(batch).headers) == (b"k0", [("x-\udcff\udcfe", None)])
    with pytest.raises(StopIteration):
        next(batch)
    assert (batch.base_offset, batch.next_offset, batch.is_control_batch) == (0, 2, False)


def test_no_batch_and_legacy_messages_are_passed_through():
    assert HeaderTolerantRecords(b"").next_batch() is None
    builder = LegacyRecordBatchBuilder(1, 0, 2**20)  # v1 messages: no headers
    builder.append(0, timestamp=1, key=b"k", value=b"v")
    data = bytes(builder.build())
    batch = HeaderTolerantRecords(data).next_batch()
    assert type(batch) is type(memory_records.MemoryRecords(data).next_batch())
    assert [(r.key, r.value) for r in batch] == [(b"k", b"v")]


def test_install_replaces_the_fetchers_memory_records(monkeypatch):
    monkeypatch.setattr(fetcher, "MemoryRecords", memory_records.MemoryRecords)
    assert not aiokafka_headers.installed()
    aiokafka_headers.install()
    aiokafka_headers.install()
    assert fetcher.MemoryRecords is HeaderTolerantRecords and aiokafka_headers.installed()


def test_the_app_installs_it(monkeypatch):
    monkeypatch.setattr(fetcher, "MemoryRecords", memory_records.MemoryRecords)
    create_app(replace(Settings(), store="memory://"))
    assert aiokafka_headers.installed()


def test_the_version_it_was_written_for_is_installed():
    assert aiokafka.__version__ == aiokafka_headers.AIOKAFKA_VERSION == "0.14.0"


def test_another_aiokafka_version_is_refused_at_import_in_one_line(monkeypatch):
    monkeypatch.setattr(fence.metadata, "version", lambda name: "0.15.0")
    with pytest.raises(fence.UnsupportedVersion) as refused:
        importlib.reload(aiokafka_headers)
    assert str(refused.value) == (
        "aiokafka 0.15.0 is installed, but streams.runtime.aiokafka_headers overrides internals of "
        "aiokafka 0.14.0: see docs/decisions/aiokafka-header-names.md")
