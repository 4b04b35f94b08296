"""Alert rules from TOML: the packaged defaults load, and every mistake says where and what."""

from __future__ import annotations

import pytest

from streams.alerts.config import RulesError, load_rules, parse_rules
from streams.alerts.rules import Point, SpikeRule, ThresholdRule, WatchRule

SPIKE = '''
[[rules]]
name = "aleppo-spike"
kind = "spike"
subject = "location"
window = "10s"
trailing = 3
k = 2
min_count = 20
quad_classes = [3, 4]
severity = "critical"
grace = 0
'''


def test_the_packaged_rules_load():
    rules = load_rules()
    assert [(r.name, r.kind, r.window) for r in rules] == [
        ("location-spike-1h", "spike", 3600), ("actor-spike-1h", "spike", 3600),
        ("material-conflict-1d", "threshold", 86400), ("watch-syria", "watchlist", 86400)]
    assert load_rules("") == rules


def test_a_rules_file_becomes_rules(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(SPIKE + '''
[[rules]]
name = "conflict"
kind = "threshold"
subject = "location"
window = 60
min_count = 5

[[rules]]
name = "watch"
kind = "watchlist"
window = "1d"
actors = ["SYRREB", "RUS*"]
points = [{ name = "Aleppo", lat = 36.2, lon = 37.16, radius_km = 25 }]
''')
    assert load_rules(str(path)) == (
        SpikeRule("aleppo-spike", 10, severity="critical", grace=0,
                  quad_classes=frozenset({3, 4}), subject="location", trailing=3, k=2.0,
                  min_count=20),
        ThresholdRule("conflict", 60, subject="location", min_count=5),
        WatchRule("watch", 86400, severity="warning", actors=("SYRREB", "RUS*"),
                  points=(Point("Aleppo", 36.2, 37.16, 25.0),)),
    )


def test_no_rules_is_allowed():
    assert parse_rules("") == ()


@pytest.mark.parametrize("text, message", [
    ("[[rules]\nname = 1", "alert rules test.toml: not valid TOML: "),
    ("[rule]\nname = 'x'", "alert rules test.toml: unknown top-level key(s) rule; "
                           "rules go in [[rules]] tables"),
    ("rules = 3", "alert rules test.toml: `rules` must be an array of tables ([[rules]])"),
    (SPIKE.replace('"spike"', '"spiky"'), "alert rules test.toml: rule 1 ('aleppo-spike'): "
     "`kind` must be one of spike, threshold, watchlist, got 'spiky'"),
    (SPIKE.replace("min_count", "min_cout"), "alert rules test.toml: rule 1 ('aleppo-spike'): "
     "unknown field(s) min_cout for a spike rule; allowed: grace, k, kind, min_count, name, "
     "quad_classes, severity, subject, trailing, window"),
    (SPIKE.replace('window = "10s"', ""), "alert rules test.toml: rule 1 ('aleppo-spike'): "
     "`window` is required"),
    (SPIKE.replace('"10s"', '"10 minutes"'), "alert rules test.toml: rule 1 ('aleppo-spike'): "
     "`window`: expected a duration such as 90s, 15m, 1h or 1d, got '10 minutes'"),
    (SPIKE.replace('"location"', '"place"'), "alert rules test.toml: rule 1 ('aleppo-spike'): "
     "`subject` must be one of actor, location, got 'place'"),
    (SPIKE.replace("trailing = 3", "trailing = 0"), "alert rules test.toml: rule 1 "
     "('aleppo-spike'): `trailing` must be a whole number of at least 1, got 0"),
    (SPIKE.replace("k = 2", "k = -1"), "alert rules test.toml: rule 1 ('aleppo-spike'): "
     "`k` must be at least 0, got -1"),
    (SPIKE.replace("[3, 4]", "[5]"), "alert rules test.toml: rule 1 ('aleppo-spike'): "
     "`quad_classes` must be a list of 1, 2, 3 or 4, got [5]"),
    (SPIKE.replace('"critical"', '"high"'), "alert rules test.toml: rule 1 ('aleppo-spike'): "
     "`severity` must be one of info, warning, critical, got 'high'"),
    (SPIKE.replace('"aleppo-spike"', '"aleppo spike"'), "alert rules test.toml: rule 1 "
     "('aleppo spike'): `name` must be letters, digits, '.', '_' or '-', got 'aleppo spike'"),
    (SPIKE + SPIKE, "alert rules test.toml: rule names must be unique; repeated: aleppo-spike"),
    ('[[rules]]\nname = "t"\nkind = "threshold"\nsubject = "actor"\nwindow = "1h"',
     "alert rules test.toml: rule 1 ('t'): `min_count` is required"),
    ('[[rules]]\nname = "w"\nkind = "watchlist"\nwindow = "1h"',
     "alert rules test.toml: rule 1 ('w'): a watchlist rule needs `actors` or `points` (or both)"),
    ('[[rules]]\nname = "w"\nkind = "watchlist"\nwindow = "1h"\nactors = ["syrreb"]',
     "alert rules test.toml: rule 1 ('w'): `actors` must be a list of actor codes such as "
     "\"SYRREB\" or prefixes such as \"RUS*\", got ['syrreb']"),
    ('[[rules]]\nname = "w"\nkind = "watchlist"\nwindow = "1h"\n'
     'points = [{ name = "A", lat = 36.2, lon = 37.1 }]',
     "alert rules test.toml: rule 1 ('w'): point 1 needs exactly lat, lon, name, radius_km; "
     "missing: radius_km"),
    ('[[rules]]\nname = "w"\nkind = "watchlist"\nwindow = "1h"\n'
     'points = [{ name = "A", lat = 96.2, lon = 37.1, radius_km = 5 }]',
     "alert rules test.toml: rule 1 ('w'): point 1: lat must be within ±90, lon within ±180 "
     "and radius_km above 0, got 96.2, 37.1, 5.0"),
])
def test_mistakes_are_reported_with_file_rule_and_field(text, message):
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "test.toml")
    assert str(caught.value).startswith(message)
    if not message.endswith(": "):
        assert str(caught.value) == message


def test_a_missing_file_names_the_variable(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(RulesError) as caught:
        load_rules(str(missing))
    assert str(caught.value) == (f"alert rules {missing}: cannot read the file "
                                 "(STREAMS_ALERT_RULES): No such file or directory")
