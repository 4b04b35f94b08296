"""The derived topics' reader: what a stray producer can write there is refused with a reason."""

import orjson
import pytest

from streams.contract.articles import REASONS
from streams.contract.daily import add_event
from streams.contract.inbound import InvalidMessage, reader
from streams.contract.messages import entity_messages, event_messages
from streams.contract.models import DailyRecord, EntityMention, Event, RecordEvent, SubjectEvent
from streams.extraction.pipeline import extract

ARTICLE = {"id": "art-1", "title": "", "body": "Syrian government forces attacked rebels in Aleppo."}


@pytest.fixture(scope="module")
def wire():
    result = extract(ARTICLE)
    mention = entity_messages(ARTICLE, result)[0]
    event = event_messages(ARTICLE, result)[0]
    return {"mention": mention, "event": event,
            "entities": orjson.dumps(mention.to_representation()),
            "events": orjson.dumps(event.to_representation())}


def refused(topic: str, key, value, headers=()) -> tuple[str, str]:
    with pytest.raises(InvalidMessage) as caught:
        reader(topic)(key, value, headers)
    assert caught.value.reason in REASONS and caught.value.message
    return caught.value.reason, caught.value.message


def test_records_the_pipeline_writes_are_read_back(wire):
    key, mention = reader("entities")(wire["mention"].key.encode(), wire["entities"],
                                      [("streams-origin", b"3:17")])
    assert isinstance(mention, EntityMention) and mention == wire["mention"]
    assert key == wire["mention"].key
    key, event = reader("events")(wire["event"].event_id.encode(), wire["events"], None)
    assert isinstance(event, Event) and event == wire["event"]
    record = event.asdict()
    subject = {"kind": "location", "geonameid": 170063, "name": "Aleppo", "lat": 36.2, "lon": 37.2}
    value = orjson.dumps(SubjectEvent(subject=subject, event=record, event_time=1.5)
                         .to_representation())
    key, message = reader("events-by-subject")(b"170063", value, ())
    assert (key, message.subject, message.event_time) == ("170063", subject, 1.5)
    tick = orjson.dumps(SubjectEvent(tick=2.0).to_representation())
    assert reader("events-by-subject")(None, tick, ())[1].tick == 2.0


def test_unknown_fields_are_ignored(wire):
    value = orjson.dumps({**wire["mention"].to_representation(), "new_field": [1]})
    assert reader("entities")(b"k", value, ())[1] == wire["mention"]


@pytest.mark.parametrize("topic", ["entities", "events", "alerts"])
def test_keys_must_be_utf8_and_present(topic):
    assert refused(topic, b"\x00\xff\xfe", b"{}")[0] == "invalid_key"
    assert refused(topic, None, b"{}") == ("invalid_key", "the message has no key")


@pytest.mark.parametrize("topic", ["entities", "events", "events-by-subject", "alerts"])
@pytest.mark.parametrize(("value", "reason"), [
    (None, "empty_message"),
    (b"", "invalid_record"),
    (b"\xff\xfe", "invalid_record"),
    (b"{not json", "invalid_record"),
    (b"[1, 2]", "invalid_record"),
    (b"null", "invalid_record"),
    (b'{"x": 1e400}', "invalid_record"),
    (b"[" * 2000 + b"]" * 2000, "invalid_record"),
    (b'{"subject": 5}', "invalid_record"),
])
def test_values_that_are_not_records_are_refused(topic, value, reason):
    assert refused(topic, b"k", value)[0] == reason


@pytest.mark.parametrize(("change", "why"), [
    ({"kind": "organisation"}, "kind"),
    ({"kind": 5}, "'kind' is a int"),
    ({"key": ["x"]}, "'key' is a list"),
    ({"start": "0"}, "'start' is a str"),
    ({"start": True}, "'start' is a bool"),
    ({"lat": "north"}, "'lat' is a str"),
    ({"geonameid": 1.5}, "'geonameid' is a float"),
    ({"article_id": None}, "'article_id' is a NoneType"),
])
def test_entities_of_the_wrong_shape_are_refused(wire, change, why):
    value = orjson.dumps({**wire["mention"].to_representation(), **change})
    reason, message = refused("entities", b"k", value)
    assert reason == "invalid_record" and why in message


def test_a_missing_field_is_refused_and_one_with_a_default_is_not(wire):
    doc = wire["mention"].to_representation()
    assert refused("entities", b"k", orjson.dumps({k: v for k, v in doc.items() if k != "kind"})
                   ) == ("invalid_record", "no 'kind' field")
    assert reader("entities")(b"k", orjson.dumps({k: v for k, v in doc.items()
                                                  if k != "country"}), ())[1].country is None


@pytest.mark.parametrize("origin", [b"", b"\xff\xfe", b"3", b"3:x", b"-1:2", b"1:2:3", b" 1:2"])
def test_a_malformed_origin_header_on_entities_is_refused(wire, origin):
    reason, _ = refused("entities", b"k", wire["entities"], [("other", b"\xff"),
                                                              ("streams-origin", origin)])
    assert reason == "invalid_header"


@pytest.mark.parametrize(("change", "reason"), [
    ({"source": {"code": ["SYR"]}}, "invalid_record"),
    ({"target": "SYR"}, "invalid_record"),
    ({"location": {"geonameid": "170063"}}, "invalid_record"),
    ({"quad_class": 7}, "invalid_record"),
    ({"goldstein": "high"}, "invalid_record"),
])
def test_events_an_alert_agent_could_not_read_are_refused(wire, change, reason):
    value = orjson.dumps({**wire["event"].to_representation(), **change})
    assert refused("events", b"k", value)[0] == reason
    subject_event = orjson.dumps({"subject": {"kind": "actor", "code": "SYR"},
                                  "event": {**wire["event"].to_representation(), **change},
                                  "event_time": 1.0})
    assert refused("events-by-subject", b"SYR", subject_event)[0] == reason


@pytest.mark.parametrize("doc", [
    {"subject": {"kind": "actor"}, "event": {}, "event_time": 1.0},
    {"subject": {"kind": "location", "geonameid": None}, "event": {}, "event_time": 1.0},
    {"subject": {"kind": "person", "code": "X"}, "event": {}, "event_time": 1.0},
    {"subject": {"kind": "actor", "code": "X"}, "event": {}, "event_time": None},
    {"subject": None, "event": None},
    {"tick": "now"},
])
def test_subject_events_an_alert_agent_could_not_read_are_refused(doc):
    assert refused("events-by-subject", b"X", orjson.dumps(doc))[0] == "invalid_record"


def test_a_subject_event_without_a_key_is_refused_and_a_tick_is_not(wire):
    doc = {"subject": {"kind": "actor", "code": "SYR"}, "event": wire["event"].to_representation(),
           "event_time": 1.0}
    assert refused("events-by-subject", None, orjson.dumps(doc))[0] == "invalid_key"


def test_events_by_record_and_events_daily_are_read_back_and_bad_ones_refused(wire):
    record = wire["event"].asdict()
    value = orjson.dumps(RecordEvent(event=record, event_time=1.5).to_representation())
    key, message = reader("events-by-record")(b"rid", value, ())
    assert (key, message.event, message.event_time) == ("rid", record, 1.5)
    no_code = orjson.dumps({"event": {**record, "cameo_code": None}, "event_time": 1.5})
    assert refused("events-by-record", b"rid", no_code)[0] == "invalid_record"
    no_time = orjson.dumps({"event": record, "event_time": "soon"})
    assert refused("events-by-record", b"rid", no_time)[0] == "invalid_record"
    daily = add_event(None, record, 1.5, True)["record"]
    key, read = reader("events.daily")(daily["record_id"].encode(),
                                       orjson.dumps(DailyRecord(**daily).to_representation()), ())
    assert read.asdict() == daily
