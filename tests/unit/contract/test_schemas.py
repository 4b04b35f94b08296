"""The published contracts: real records conform to streams/contract/json_schemas/*.json, bad ones do not,
and docs/asyncapi.yaml describes exactly the contract topics with schema files that exist."""

import copy
from pathlib import Path

import orjson
import pytest
import yaml
from jsonschema import Draft202012Validator, ValidationError

from streams.contract.articles import REASONS, InvalidArticle, validate_article
from streams.contract.messages import dead_letter, entity_messages, event_messages
from streams.contract.schemas import CONTRACT_TOPICS, SCHEMA_FILES, schema_for, validate
from streams.extraction.cameo import cameo_table

ROOT = Path(__file__).resolve().parents[3]
ASYNCAPI = ROOT / "docs" / "asyncapi.yaml"

ARTICLE = {"id": "art-1", "title": "Syria", "body": "...", "published_at": "2016-09-04T00:00:00Z"}

ALEPPO = {"geonameid": 170063, "name": "Aleppo", "lat": 36.20124, "lon": 37.16117,
          "country": "SYR", "feature_class": "P"}
MIDDLE_EAST = {"geonameid": 99000100, "name": "Middle East", "lat": 29.3, "lon": 42.5,
               "country": "", "feature_class": "L"}  # a region: no country, "" (not null)


def entity(kind, text, start, code=None, place=None, field="body"):
    return {"kind": kind, "text": text, "field": field, "start": start, "end": start + len(text),
            "type": "GPE" if place else "ORG", "sentence_index": 0, "code": code,
            "geonameid": None, "name": None, "lat": None, "lon": None, "country": None,
            "feature_class": None, **(place or {})}


RESULT = {
    "article_id": "art-1",
    "entities": [
        entity("location", "Aleppo", 0, place=ALEPPO, field="title"),
        entity("actor", "rebels", 10, code="SYRREB"),
        entity("location", "Aleppo", 20, place=ALEPPO),
        entity("location", "Middle East", 40, place=MIDDLE_EAST),
        entity("actor", "someone", 60),  # no code: not sent
    ],
    "events": [
        {"source": {"code": "SYRMIL", "text": "army"},
         "target": {"code": "SYRREB", "text": "rebels"}, "cameo_code": "190", "cameo_root": "19",
         "quad_class": 4, "goldstein": -10.0,
         "plover_event": "ASSAULT", "sentence_index": 0, "location": dict(ALEPPO)},
        {"source": {"code": None, "text": None}, "target": {"code": None, "text": "someone"},
         "cameo_code": "1823", "cameo_root": "18", "quad_class": 4, "goldstein": -9.0,
         "plover_event": "ASSAULT", "sentence_index": 1, "location": dict(MIDDLE_EAST)},
        {"source": {"code": "IGO", "text": "the UN"}, "target": None, "cameo_code": "010",
         "cameo_root": "01", "quad_class": 1, "goldstein": 0.0, "plover_event": None,
         "sentence_index": 2, "location": None},
    ],
}

ALERT = {
    "id": "alert-1", "rule": "actor-spike", "kind": "spike", "severity": "warning",
    "subject": {"kind": "actor", "code": "SYRREB", "name": "Syrian rebels"},
    "window": {"start": "2016-09-04T00:00:00Z", "end": "2016-09-04T01:00:00+00:00"},
    "observed": 42, "baseline": 3.5,
    "evidence": {"event_ids": ["art-1:0", "art-1:1"], "article_ids": ["art-1"]},
    "created_at": "2016-09-04T01:00:05.123Z", "schema_version": 1,
}

DEAD_LETTER_REASONS = tuple(REASONS)


def wire(record) -> dict:
    """A record as a consumer decodes it: its JSON representation through a JSON round trip."""
    data = orjson.loads(orjson.dumps(record.to_representation()))
    assert data == orjson.loads(record.dumps())  # the bytes Faust actually sends
    return data


def entities_on_wire():
    return [wire(record) for record in entity_messages(ARTICLE, RESULT)]


def events_on_wire():
    return [wire(record) for record in event_messages(ARTICLE, RESULT)]


def dead_letter_on_wire(reason="invalid_json", raw=b"\xff{", key=b"art-1"):
    return wire(dead_letter(reason, "bad", raw, key, topic="articles", partition=2, offset=9))


def fails(topic, message):
    with pytest.raises(ValidationError):
        validate(topic, message)


# --- the schemas themselves ------------------------------------------------------------------


@pytest.mark.parametrize("topic", CONTRACT_TOPICS)
def test_each_schema_is_a_valid_draft_2020_12_schema(topic):
    schema = schema_for(topic)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"urn:news-event-streams:schema:{topic}:v1"
    assert schema["title"] and schema["description"]
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is True  # forward compatible at the top level
    assert set(schema["required"]) <= set(schema["properties"])


def test_schema_files_are_package_data_named_after_the_topics():
    assert set(SCHEMA_FILES) == set(CONTRACT_TOPICS)
    folder = ROOT / "streams" / "contract" / "json_schemas"
    assert sorted(p.name for p in folder.glob("*.json")) == sorted(SCHEMA_FILES.values())
    assert schema_for("events") is schema_for("events")  # cached
    with pytest.raises(KeyError, match="contract topics"):
        schema_for("nope")


def test_output_schemas_pin_schema_version_1():
    for topic in ("entities", "events", "alerts", "articles.dlq", "events.daily"):
        schema = schema_for(topic)
        assert schema["properties"]["schema_version"] == {
            "description": "The contract version of this message.", "const": 1}
        assert "schema_version" in schema["required"]


def test_required_fields_are_every_field_the_records_always_emit():
    (mention, *_), (event, *_) = entities_on_wire(), events_on_wire()
    # Fields added to v1 later are optional, so the records written before them still conform.
    assert set(schema_for("entities")["required"]) == set(mention) - {"nested"}
    assert "nested" in schema_for("entities")["properties"]
    added_to_events = {"article_source", "article_url"}
    assert set(schema_for("events")["required"]) == set(event) - added_to_events
    assert added_to_events <= set(schema_for("events")["properties"])
    # Fields added to v1 later are optional, so the records written before them still conform.
    added_later = {"key_size", "key_sha256", "key_truncated", "headers", "headers_truncated",
                   "headers_raw_names"}
    assert set(schema_for("articles.dlq")["required"]) == set(dead_letter_on_wire()) - added_later
    assert added_later <= set(schema_for("articles.dlq")["properties"])


def test_dead_letters_written_before_the_key_and_header_fields_still_conform():
    older = {name: value for name, value in dead_letter_on_wire().items()
             if not name.startswith(("key_", "headers"))}
    validate("articles.dlq", older)


def test_dead_letters_with_headers_and_a_huge_key_conform():
    headers = [("x-bin", b"\x00\xff"), ("x-none", None), ("ключ", b""), ("", b"v")]
    message = wire(dead_letter("invalid_json", "bad", b"{}", b"k" * 100_000, topic="articles",
                               partition=0, offset=1, headers=headers))
    assert (message["key_size"], message["key_truncated"]) == (100_000, True)
    assert message["headers"] == [["x-bin", "AP8="], ["x-none", None], ["ключ", ""], ["", "dg=="]]
    assert message["headers_raw_names"] is None  # every name is UTF-8
    validate("articles.dlq", message)


def test_dead_letters_with_a_header_name_that_is_not_utf8_conform_and_keep_its_bytes():
    # as streams.runtime.aiokafka_headers reads the name b"x-\xff\xfe": surrogateescape
    headers = [("ok", b"1"), (b"x-\xff\xfe".decode("utf-8", "surrogateescape"), b"v")]
    message = wire(dead_letter("invalid_json", "bad", b"{", b"k", topic="articles",
                               partition=0, offset=1, headers=headers))
    assert message["headers"] == [["ok", "MQ=="], ["x-\ufffd\ufffd", "dg=="]]
    assert message["headers_raw_names"] == [None, "eC3//g=="]
    validate("articles.dlq", message)


# --- real records conform --------------------------------------------------------------------


def test_entity_records_conform():
    messages = entities_on_wire()
    assert [m["key"] for m in messages] == ["170063", "SYRREB", "170063", "99000100"]
    for message in messages:
        validate("entities", message)


def test_a_place_nested_in_an_organisation_name_conforms_and_older_records_still_do():
    nested = {**entity("location", "Springfield", 4, place=ALEPPO), "nested": True}
    result = {**RESULT, "entities": [entity("actor", "Springfield Police", 4, code="USACOP"), nested]}
    messages = [wire(m) for m in entity_messages(ARTICLE, result)]
    assert [(m["kind"], m["nested"]) for m in messages] == [("actor", False), ("location", True)]
    for message in messages:
        validate("entities", message)
    validate("entities", _without(messages[1], "nested"))  # written before the field existed
    fails("entities", {**messages[1], "nested": "yes"})


def test_a_nationality_word_located_at_its_country_conforms():
    egypt = {"geonameid": 357994, "name": "Egypt", "lat": 27.0, "lon": 30.0, "country": "EGY",
             "feature_class": "A"}
    word = {**entity("actor", "Egyptian", 4, code="EGY"), "type": "NORP"}
    country = {**entity("location", "Egyptian", 4, place=egypt), "type": "NORP"}
    inside = {**entity("location", "Egyptian", 30, place=egypt), "type": "NORP", "nested": True}
    result = {**RESULT, "entities": [word, country, entity("actor", "Egyptian Army", 30,
                                                           code="EGYMIL"), inside]}
    messages = [wire(m) for m in entity_messages(ARTICLE, result)]
    assert [(m["kind"], m["type"], m["key"], m["nested"]) for m in messages] == [
        ("actor", "NORP", "EGY", False), ("location", "NORP", "357994", False),
        ("actor", "ORG", "EGYMIL", False), ("location", "NORP", "357994", True)]
    for message in messages:
        validate("entities", message)


def test_event_records_conform():
    messages = events_on_wire()
    assert len(messages) == 3
    for message in messages:
        validate("events", message)


def test_every_cameo_code_makes_a_conforming_event():
    (template, *_) = events_on_wire()
    for code, entry in cameo_table().items():
        message = {**template, "cameo_code": code, "cameo_root": entry.root,
                   "quad_class": entry.quad_class, "goldstein": entry.goldstein,
                   "plover_event": entry.plover_event}
        validate("events", message)


def test_the_plover_enum_is_the_cameo_table_types():
    enum = set(schema_for("events")["properties"]["plover_event"]["enum"])
    assert enum == {entry.plover_event for entry in cameo_table().values()} | {None}


@pytest.mark.parametrize("reason", DEAD_LETTER_REASONS)
def test_dead_letter_records_conform(reason):
    validate("articles.dlq", dead_letter_on_wire(reason))


def test_dead_letters_without_value_or_key_conform():
    message = dead_letter_on_wire("empty_message", raw=None, key=None)
    assert (message["original"], message["key"]) == ("", None)
    validate("articles.dlq", message)
    for raw in (b"a", b"ab", b"abc", bytes(range(256))):  # every padding length
        validate("articles.dlq", dead_letter_on_wire(raw=raw, key=raw))


def test_an_alert_conforms():
    validate("alerts", ALERT)
    validate("alerts", {**ALERT, "kind": "threshold", "baseline": None,
                        "subject": {"kind": "location", "geonameid": 170063, "name": "Aleppo"}})


def test_the_seed_articles_conform():
    seeds = sorted((ROOT / "seeds").glob("*.json"))
    assert ROOT / "seeds" / "000_2b378bade59abd59.json" in seeds
    for path in seeds:
        validate("articles", orjson.loads(path.read_bytes()))


def test_unknown_top_level_fields_are_allowed():
    validate("events", {**events_on_wire()[0], "added_in_a_later_release": [1, 2]})
    validate("articles", {"id": "a", "body": "b", "lang": "en"})


# --- the article schema agrees with the pipeline's own check ---------------------------------

ARTICLE_CASES = [
    {"id": "a", "body": "text"},
    {"id": "a", "body": "text", "title": None, "source": None, "url": None,
     "published_at": None, "sent_at": None},
    {"id": "a", "body": "text", "title": "t", "sent_at": "2024-01-01T00:00:00Z", "extra": 5},
    {"body": "text"},
    {"id": None, "body": "text"},
    {"id": "a"},
    {"id": "a", "body": None},
    {"id": 5, "body": "text"},
    {"id": "a", "body": ["text"]},
    {"id": "a", "body": "text", "title": 3},
    {"id": "a", "body": "text", "published_at": 1473000000},
    {"id": "   ", "body": "text"},
    {"id": "", "body": "text"},
    {"id": "x" * 512, "body": "text"},
    {"id": "x" * 513, "body": "text"},
    ["not", "an", "object"],
]


@pytest.mark.parametrize("doc", ARTICLE_CASES)
def test_the_article_schema_accepts_what_the_pipeline_accepts(doc):
    try:
        validate_article(copy.deepcopy(doc))
        accepted = True
    except InvalidArticle:
        accepted = False
    assert Draft202012Validator(schema_for("articles")).is_valid(doc) == accepted


# --- bad messages fail -----------------------------------------------------------------------


def _without(message, name):
    return {k: v for k, v in message.items() if k != name}


def _entity(**changes):
    return {**entities_on_wire()[0], **changes}


def _event(**changes):
    return {**events_on_wire()[0], **changes}


@pytest.mark.parametrize("message", [
    _without(entities_on_wire()[0], "article_id"),
    _without(entities_on_wire()[0], "published_at"),  # always emitted, even when null
    _entity(kind="person"),
    _entity(field="summary"),
    _entity(start=-1),
    _entity(first_in_article="yes"),
    _entity(lat=91.0),
    _entity(lon=-180.5),
    _entity(country="sy"),
    _entity(country=None),  # a location always has its place
    _entity(geonameid=None),
    _entity(key="Aleppo"),  # a location is keyed by its GeoNames id
    {**entities_on_wire()[1], "code": None},  # an actor is sent only when coded
    _entity(schema_version=2),
], ids=lambda m: "entity")
def test_bad_entities_fail(message):
    fails("entities", message)


@pytest.mark.parametrize("message", [
    _without(events_on_wire()[0], "article_id"),
    _without(events_on_wire()[0], "location"),
    _event(quad_class=5),
    _event(quad_class="4"),
    _event(goldstein=10.5),
    _event(cameo_code="19a"),
    _event(cameo_code="19201"),
    _event(cameo_root="190"),
    _event(plover_event="ATTACK"),
    _event(event_id="art-1"),
    _event(source=None),
    _event(source={"code": "SYRMIL"}),
    _event(target={"code": "SYRREB", "text": "rebels", "role": "x"}),
    _event(location={**ALEPPO, "population": 1}),
    _event(location={**ALEPPO, "country": "SY"}),
    _event(location=_without(ALEPPO, "lat")),
    _event(schema_version=2),
], ids=lambda m: "event")
def test_bad_events_fail(message):
    fails("events", message)


@pytest.mark.parametrize("message", [
    {**dead_letter_on_wire(), "original": "not base64!"},
    {**dead_letter_on_wire(), "original": "abc"},  # wrong length: unpadded
    {**dead_letter_on_wire(), "key": "a=bc"},
    {**dead_letter_on_wire(), "reason": "Invalid-JSON"},
    {**dead_letter_on_wire(), "partition": -1},
    {**dead_letter_on_wire(), "offset": "9"},
    _without(dead_letter_on_wire(), "key"),
    _without(dead_letter_on_wire(), "schema_version"),
    {**dead_letter_on_wire(), "headers": [["x", "not base64!"]]},
    {**dead_letter_on_wire(), "headers": [["x"]]},
    {**dead_letter_on_wire(), "headers_raw_names": ["not base64!"]},
    {**dead_letter_on_wire(), "headers_raw_names": "eC3//g=="},
    {**dead_letter_on_wire(), "key_sha256": "ABC"},
], ids=lambda m: "dead_letter")
def test_bad_dead_letters_fail(message):
    fails("articles.dlq", message)


@pytest.mark.parametrize("message", [
    {**ALERT, "kind": "trend"},
    {**ALERT, "severity": "high"},
    _without(ALERT, "baseline"),
    {**ALERT, "subject": {"kind": "actor", "name": "Syrian rebels"}},  # an actor needs its code
    {**ALERT, "subject": {"kind": "location", "name": "Aleppo"}},  # a place needs its id
    {**ALERT, "subject": {**ALERT["subject"], "kind": "person"}},
    {**ALERT, "window": {"start": "2016-09-04T00:00:00Z"}},
    {**ALERT, "window": {**ALERT["window"], "end": "2016-09-04 01:00"}},
    {**ALERT, "created_at": "yesterday"},
    {**ALERT, "observed": "42"},
    {**ALERT, "evidence": {"event_ids": [f"art-{n}:0" for n in range(51)], "article_ids": []}},
    {**ALERT, "evidence": {"event_ids": [], "article_ids": [f"art-{n}" for n in range(51)]}},
    {**ALERT, "evidence": {"event_ids": ["art-1"], "article_ids": []}},
    {**ALERT, "schema_version": 2},
], ids=lambda m: "alert")
def test_bad_alerts_fail(message):
    fails("alerts", message)


def test_the_capped_evidence_accepts_50():
    evidence = {"event_ids": [f"art-{n}:0" for n in range(50)],
                "article_ids": [f"art-{n}" for n in range(50)]}
    validate("alerts", {**ALERT, "evidence": evidence})


# --- the AsyncAPI document -------------------------------------------------------------------


@pytest.fixture(scope="module")
def asyncapi():
    return yaml.safe_load(ASYNCAPI.read_text(encoding="utf-8"))


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _pointer(document, ref):
    node = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_asyncapi_names_exactly_the_contract_topics(asyncapi):
    assert asyncapi["asyncapi"] == "3.0.0"
    assert asyncapi["info"]["version"] == "1.0.0"
    assert "STREAMS_TOPIC_PREFIX" in asyncapi["info"]["description"]
    assert asyncapi["servers"]["local"] == {**asyncapi["servers"]["local"],
                                           "host": "127.0.0.1:9092", "protocol": "kafka"}
    addresses = [channel["address"] for channel in asyncapi["channels"].values()]
    assert sorted(addresses) == sorted(CONTRACT_TOPICS)


def test_asyncapi_payloads_are_the_schema_files_and_keys_are_strings(asyncapi):
    for channel in asyncapi["channels"].values():
        (message,) = [_pointer(asyncapi, m["$ref"]) for m in channel["messages"].values()]
        payload = message["payload"]
        assert payload["schemaFormat"] == "application/schema+json;version=draft-2020-12"
        schema_file = SCHEMA_FILES[channel['address']]
        assert payload['schema']['$ref'] == f'../streams/contract/json_schemas/{schema_file}'
        assert message["bindings"]["kafka"]["key"]["type"] == "string"


def test_asyncapi_operations_send_articles_and_receive_the_rest(asyncapi):
    actions = {}
    for operation in asyncapi["operations"].values():
        channel = _pointer(asyncapi, operation["channel"]["$ref"])
        for message in operation["messages"]:
            assert message["$ref"].startswith(operation["channel"]["$ref"] + "/messages/")
        actions[channel["address"]] = operation["action"]
    assert actions == {topic: "send" if topic == "articles" else "receive"
                       for topic in CONTRACT_TOPICS}


def test_every_asyncapi_ref_resolves(asyncapi):
    refs = list(_refs(asyncapi))
    assert len(refs) >= 5 + 5 + 5 + 5  # channel messages, operation channels and messages, payloads
    for ref in refs:
        if ref.startswith("#/"):
            _pointer(asyncapi, ref)
        else:
            assert (ASYNCAPI.parent / ref).resolve().is_file(), ref
