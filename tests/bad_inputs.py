"""The bad-input corpus: every kind of input the `articles` topic must survive, built as bytes.

Each case says what the pipeline does with it: `dead_letter` (to `articles.dlq` with `reason`)
or `processed` (extracted like any article). Large inputs (a 5 MB body, 100,000 levels of
nesting, 5,000 mentions) are generated here, never committed. The unit tests check each
case's outcome against `parse_article` (tests/unit/test_articles.py); the integration test
sends all of them through a real worker (tests/integration/test_bad_input.py).

Processed on purpose, although they look odd (the issue asked for the DLQ; these are text a
newsroom really sends, and refusing them would lose news):

* duplicate keys: JSON leaves them undefined; the last value wins, as in most parsers;
* a big integer in a field the pipeline does not read: read as a double, ignored;
* control characters (escaped, so valid JSON) in the body: replaced by spaces, offsets kept;
* right-to-left marks and embeddings, combining marks, emoji, Arabic/Chinese/Russian text,
  HTML markup: text like any other (HTML is not stripped: offsets point into what was sent);
* any headers (binary values, empty and missing values, names in any script, a thousand of
  them, a 200 KB value, a malformed `streams-origin`): the pipeline does not read the headers of
  `articles`; a dead letter keeps them.

Keys: a valid article whose key is not its id (no key, an empty, other, huge key, one that is
not UTF-8) is re-keyed: the worker sends it again keyed by its id and processes that copy
(streams/runtime/rekey.py); only an article so close to the size limit that its copy would be
over the producer's limit is dead-lettered (rekey_too_large). The value is checked first: a
tombstone with a bad key is empty_message.

Header names that are not UTF-8 (given here as bytes) break the Kafka protocol, which says a
name is UTF-8, but the broker stores them. They once stopped the worker (aiokafka's reader
raised on them; streams/runtime/aiokafka_headers.py reads them with their bytes kept). Like any
header of `articles` they are not read: a good article with one is processed; a dead letter
keeps such a name's bytes in `headers_raw_names`. tests/integration/probes.py sends them.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

DEAD_LETTER, PROCESSED = "dead_letter", "processed"
STORY = "Syrian government forces attacked rebels in Aleppo on Sunday."
MAX_MENTIONS = 1000  # the default STREAMS_MAX_ARTICLE_MENTIONS


@dataclass(frozen=True)
class Case:
    name: str
    key: bytes | None  # the message key
    value: bytes | None  # the message value (None: a tombstone)
    outcome: str  # DEAD_LETTER or PROCESSED
    reason: str | None  # the dead-letter reason code
    why: str
    headers: tuple[tuple[str | bytes, bytes | None], ...] = ()  # the message headers; a bytes
    # name need not be UTF-8
    rekeyed: bool = False  # not keyed by its id: sent again keyed by it, and that copy processed

    @property
    def article_id(self) -> str:
        return self.key.decode("utf-8", errors="replace") if self.key else ""


def _doc(article_id: str, **fields) -> bytes:
    return orjson.dumps({"id": article_id, "title": "", **fields})


def _long(article_id: str) -> str:
    return article_id + "x" * (10_000 - len(article_id))


def bad_inputs(prefix: str, max_bytes: int = 1_000_000) -> list[Case]:
    """Every case, with ids and keys starting with `prefix` (unique per test run)."""
    cases: list[Case] = []

    def add(name, value, outcome, reason, why, key: bytes | None | str = "id", headers=(),
            rekeyed=False):
        article_id = f"{prefix}{name}"
        if key == "id":
            key = article_id.encode("utf-8")
        elif callable(key):
            key = key(article_id)
        if callable(value):
            value = value(article_id)
        cases.append(Case(name, key, value, outcome, reason, why, tuple(headers), rekeyed))

    def dead(name, value, reason, why, **kw):
        add(name, value, DEAD_LETTER, reason, why, **kw)

    def ok(name, value, why, **kw):
        add(name, value, PROCESSED, None, why, **kw)

    # --- not JSON ------------------------------------------------------------------------
    dead("truncated_json", lambda i: _doc(i, body=STORY)[:-9], "invalid_json",
         "a document cut off in the middle")
    dead("single_quotes", lambda i: f"{{'id': '{i}', 'body': 'Aleppo'}}".encode(),
         "invalid_json", "Python repr, not JSON")
    dead("trailing_garbage", lambda i: _doc(i, body=STORY) + b" }{", "invalid_json",
         "a valid object followed by more bytes")
    dead("nan_literal", lambda i: _doc(i, body=STORY)[:-1] + b',"score":NaN}', "invalid_json",
         "NaN is not JSON")
    dead("empty_bytes", b"", "invalid_json", "a zero-length value (not a tombstone)")
    dead("utf8_bom", lambda i: b"\xef\xbb\xbf" + _doc(i, body=STORY), "invalid_json",
         "a byte order mark, which RFC 8259 forbids senders to add")
    dead("raw_control_in_string", lambda i: _doc(i, body=STORY).replace(b"Sunday", b"Sun\x01day"),
         "invalid_json", "an unescaped control character inside a string")
    dead("lone_surrogate_escape", lambda i: _doc(i, body=STORY)[:-2] + b'\\ud800"}',
         "invalid_json", "an escaped UTF-16 surrogate with no pair")
    # --- not text ------------------------------------------------------------------------
    dead("invalid_utf8", lambda i: _doc(i, body=STORY).replace(b"Aleppo", b"Alep\xffpo"),
         "invalid_encoding", "a byte that is never UTF-8")
    dead("overlong_utf8", lambda i: _doc(i, body=STORY).replace(b"Aleppo", b"Alep\xc0\xafpo"),
         "invalid_encoding", "an overlong encoding of '/'")
    dead("latin1_text", lambda i: _doc(i, body="Alep café").replace(b"caf\xc3\xa9", b"caf\xe9"),
         "invalid_encoding", "Latin-1 bytes sent as if UTF-8")
    dead("utf16_document", lambda i: _doc(i, body=STORY).decode().encode("utf-16-le"),
         "nul_character",
         "UTF-16: every other byte of ASCII is NUL")
    dead("nul_byte", lambda i: _doc(i, body=STORY) + b"\x00", "nul_character",
         "a raw NUL byte after the document")
    dead("nul_escaped", lambda i: _doc(i, body="Aleppo\u0000 rebels"), "nul_character",
         "an escaped \\u0000 inside the body")
    # --- JSON, but not an article --------------------------------------------------------
    dead("array", lambda i: orjson.dumps([orjson.loads(_doc(i, body=STORY))]), "not_an_object",
         "the article wrapped in an array")
    dead("number", b"42", "not_an_object", "a bare number")
    dead("string", b'"Syrian forces attacked Aleppo"', "not_an_object", "a bare string")
    dead("null", b"null", "not_an_object", "JSON null")
    dead("deep_nesting", lambda i: _doc(i, body=STORY)[:-1] + b',"x":' + b"[" * 100_000
         + b"]" * 100_000 + b"}", "too_deep", "100,000 levels of arrays in an extra field")
    dead("huge_float", lambda i: _doc(i, body=STORY)[:-1] + b',"score":1e400}',
         "number_out_of_range", "a number beyond a double")
    dead("huge_integer", lambda i: _doc(i, body=STORY)[:-1] + b',"n":1' + b"0" * 400 + b"}",
         "number_out_of_range", "a 401-digit integer")
    dead("missing_id", orjson.dumps({"title": "t", "body": STORY}), "missing_field",
         "no id", key=b"missing-id")
    dead("missing_body", lambda i: orjson.dumps({"id": i, "title": "t"}), "missing_field",
         "no body")
    dead("title_only", lambda i: orjson.dumps({"id": i, "title": STORY}), "missing_field",
         "a headline and nothing else")
    dead("null_id", orjson.dumps({"id": None, "body": STORY}), "missing_field", "id is null",
         key=b"null-id")
    dead("blank_id", orjson.dumps({"id": "   ", "body": STORY}), "missing_field",
         "id is blank", key=b"   ")
    dead("numeric_id", orjson.dumps({"id": 12345, "body": STORY}), "wrong_type",
         "id is a number", key=b"12345")
    dead("body_array", lambda i: orjson.dumps({"id": i, "body": [STORY]}), "wrong_type",
         "body is an array")
    dead("title_object", lambda i: orjson.dumps({"id": i, "body": STORY, "title": {"t": 1}}),
         "wrong_type", "title is an object")
    dead("published_number", lambda i: orjson.dumps({"id": i, "body": STORY,
                                                     "published_at": 1473000000}),
         "wrong_type", "published_at is a Unix time, not a string")
    dead("empty_body", lambda i: _doc(i, body=""), "empty_body", "an empty body")
    dead("whitespace_body", lambda i: _doc(i, body=" \n\t\u00a0\u2003 "), "empty_body",
         "only (Unicode) whitespace")
    dead("punctuation_body", lambda i: _doc(i, body="!!! ... ??? — «»"), "empty_body",
         "only punctuation")
    dead("control_char_id", lambda i: _doc(i + "\u0007", body=STORY), "invalid_id",
         "an id with a BEL character", key=lambda i: (i + "\u0007").encode())
    dead("id_10000_chars", lambda i: _doc(_long(i), body=STORY), "id_too_long",
         "an id (and key) of 10,000 characters", key=lambda i: _long(i).encode())
    # --- not keyed by the id: re-keyed, then processed ------------------------------------
    ok("no_key", lambda i: _doc(i, body=STORY), "a message without a key (a console producer)",
       key=None, rekeyed=True)
    ok("key_differs", lambda i: _doc(i, body=STORY), "keyed by something other than the id",
       key=f"{prefix}another-id".encode(), rekeyed=True)
    ok("key_not_utf8", lambda i: _doc(i, body=STORY),
       "a key of bytes 00 ff fe (once stopped the worker on every partition)",
       key=b"\x00\xff\xfe", rekeyed=True)
    ok("key_latin1", lambda i: _doc(i + "-café", body=STORY), "the id as Latin-1 bytes",
       key=lambda i: (i + "-café").encode("latin-1"), rekeyed=True)
    ok("key_utf16", lambda i: _doc(i, body=STORY), "the id as UTF-16",
       key=lambda i: i.encode("utf-16"), rekeyed=True)
    ok("empty_key", lambda i: _doc(i, body=STORY), "a zero-length key", key=b"", rekeyed=True)
    ok("huge_key", lambda i: _doc(i, body=STORY), "a 100,000-byte key",
       key=lambda i: (i * (100_000 // len(i) + 1)).encode()[:100_000], rekeyed=True)
    dead("unkeyed_at_the_limit", lambda i: _doc(i, body="x" * (max_bytes - len(_doc(i, body="")))),
         "rekey_too_large", "an unkeyed article of exactly STREAMS_MAX_ARTICLE_BYTES: its copy "
         "keyed by id is over the worker's producer limit", key=None)
    dead("huge_key_bad_json", lambda i: _doc(i, body=STORY)[:-9], "invalid_json",
         "a 100,000-byte key on a document cut short (the dead letter keeps 16 KB of the key, "
         "its size and SHA-256)", key=lambda i: (i * (100_000 // len(i) + 1)).encode()[:100_000])
    dead("binary_key_and_value", b"\xff\x00binary", "nul_character",
         "a binary key and value: the value is checked first", key=b"\xfe\xff\x00\x01")
    dead("tombstone_bad_key", None, "empty_message", "a tombstone whose key is not UTF-8",
         key=b"\xc3\x28")
    # --- headers: never read on articles, kept in a dead letter ------------------------------
    dead("bad_json_binary_headers", lambda i: _doc(i, body=STORY)[:-3], "invalid_json",
         "invalid JSON with binary header values: the dead letter keeps them",
         headers=[("x-bin", b"\x00\xff\xfe"), ("x-empty", b""), ("x-none", None),
                  ("ключ-🔑", b"\xc3\x28")])
    ok("bad_key_many_headers", lambda i: _doc(i, body=STORY),
       "a key that is not UTF-8 with 300 headers: the copy keeps them", key=b"\xff",
       headers=[(f"h{n}", bytes([n % 256]) * 3) for n in range(300)], rekeyed=True)
    ok("binary_headers", lambda i: _doc(i, body=STORY), "binary, empty and missing header values",
       headers=[("x-bin", b"\x00\xff\xfe\x80"), ("x-empty", b""), ("x-none", None),
                ("x-bin", b"\xc0\xaf")])
    ok("unicode_header_names", lambda i: _doc(i, body=STORY), "header names in any script",
       headers=[("ключ", b"1"), ("مفتاح", b"2"), ("键🔑", b"3"), ("", b"empty name"),
                ("\u0000nul", b"4")])
    ok("many_headers", lambda i: _doc(i, body=STORY), "1,000 headers",
       headers=[(f"header-{n}", str(n).encode()) for n in range(1000)])
    ok("huge_header", lambda i: _doc(i, body=STORY), "a 200 KB header value",
       headers=[("x-huge", b"\xff" * 200_000)])
    ok("bad_origin_header", lambda i: _doc(i, body=STORY),
       "a malformed streams-origin header (read only on entities)",
       headers=[("streams-origin", b"\xff\xfe:x")])
    ok("header_names_not_utf8", lambda i: _doc(i, body=STORY),
       "header names that are not UTF-8 (once stopped the worker on every restart)",
       headers=[(b"x-\xff\xfe", b"1"), ("x-ok", b"2"), (b"\xc3\x28", None),
                (b"streams-origin\xff", b"0:1")])
    dead("bad_json_header_name_not_utf8", lambda i: _doc(i, body=STORY)[:-5], "invalid_json",
         "invalid JSON with a header name that is not UTF-8: the dead letter keeps its bytes",
         headers=[("x-ok", b"1"), (b"\x80\x81name", b"\x00\xff")])
    # --- too much --------------------------------------------------------------------------
    dead("tombstone", None, "empty_message", "a message with no value at all")
    dead("body_5mb", lambda i: _doc(i, body=(STORY + " ") * (5 * 2**20 // (len(STORY) + 1))),
         "too_large", "a 5 MB body (the limit is STREAMS_MAX_ARTICLE_BYTES, 1 MB)")
    dead("mentions_5000", lambda i: _doc(i, body="Syria, Iraq, Turkey. " * 1667),
         "too_many_mentions", "5,001 coded place mentions (limit STREAMS_MAX_ARTICLE_MENTIONS)")
    # --- odd, but news: processed ----------------------------------------------------------
    ok("duplicate_keys", lambda i: f'{{"id":"{i}","body":"decoy","body":"{STORY}"}}'.encode(),
       "duplicate keys: the last body wins")
    ok("big_integer_unused_field", lambda i: _doc(i, body=STORY)[:-1] + b',"n":1' + b"0" * 30
       + b"}", "a 31-digit integer in a field the pipeline ignores")
    ok("escaped_controls", lambda i: _doc(i, body="Syrian\u0007 government forces attacked\u001b"
                                                  " rebels in\u0085 Aleppo on Sunday."),
       "BEL, ESC and NEL in the body: replaced by spaces")
    ok("rtl_marks", lambda i: _doc(i, body="\u200fSyrian government forces attacked rebels in "
                                          "\u202bAleppo\u202c on Sunday.\u200e"),
       "right-to-left marks and an embedding around a place name")
    ok("combining_marks", lambda i: _doc(i, body="Syrian government forces attacked rebels in "
                                                "Aleppo on Sunday. Z\u0351\u0352a\u0353l\u0354g"
                                                "\u0355o\u0356 text followed."),
       "combining marks (Zalgo text) after a normal sentence")
    ok("emoji", lambda i: _doc(i, body=f"{STORY} 🔥🇸🇾👨‍👩‍👧"),
       "emoji, a flag and a ZWJ family")
    ok("arabic", lambda i: _doc(i, body="تقدمت قوات النظام السوري جنوب حلب يوم الأحد."),
       "Arabic")
    ok("chinese", lambda i: _doc(i, body="叙利亚政府军周日在阿勒颇以南推进。"), "Chinese")
    ok("russian", lambda i: _doc(i, body="Сирийские правительственные войска атаковали "
                                        "повстанцев в Алеппо."), "Russian")
    ok("html_markup", lambda i: _doc(i, title="<h1>Aleppo</h1>", body=(
        '<p>Syrian <b>government</b> forces attacked rebels in <a href="https://x.test/a">'
        'Aleppo</a> on Sunday.</p><script>alert("x")</script>')), "HTML tags and a script")
    ok("unknown_fields", lambda i: orjson.dumps({"id": i, "body": STORY, "tags": ["war"],
                                                 "meta": {"a": {"b": [1, 2.5, None]}}}),
       "fields the pipeline does not know")
    assert len({(case.key, case.value, case.headers) for case in cases}) == len(cases), "cases differ"
    assert len({case.name for case in cases}) == len(cases)
    return cases


def good_article(prefix: str) -> tuple[bytes, bytes, dict]:
    """A plain good article, sent after the bad ones: (key, value, document)."""
    doc = {"id": f"{prefix}good-after-bad", "title": "Aleppo", "body": STORY}
    return doc["id"].encode(), orjson.dumps(doc), doc
