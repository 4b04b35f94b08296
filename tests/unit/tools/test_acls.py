"""`streams acls` without a broker: exactly which rights each principal gets, and settings whose
internal prefix would swallow a contract topic refused."""

from __future__ import annotations

from dataclasses import replace

import pytest

from streams.settings import Settings
from streams.tools.acls import GROUP, LITERAL, PREFIXED, TOPIC, Principals, check_prefixes, pipeline_grants

SETTINGS = replace(Settings(), app_id="news", topic_prefix="prod.")


def rights(principal: str) -> dict[tuple[int, str, int], set[str]]:
    found: dict[tuple[int, str, int], set[str]] = {}
    for grant in pipeline_grants(SETTINGS):
        if grant.principal == f"User:{principal}":
            found.setdefault((grant.resource, grant.name, grant.pattern), set()).add(grant.operation)
    return found


def test_the_worker_reads_articles_writes_the_derived_topics_and_owns_its_prefix():
    rw = {"READ", "WRITE", "DESCRIBE"}
    assert rights("worker") == {
        (TOPIC, "prod.articles", LITERAL): {"READ", "DESCRIBE"},
        (TOPIC, "prod.entities", LITERAL): rw,
        (TOPIC, "prod.events", LITERAL): rw,
        (TOPIC, "prod.alerts", LITERAL): rw,
        (TOPIC, "prod.events.daily", LITERAL): {"WRITE", "DESCRIBE"},
        (TOPIC, "prod.articles.dlq", LITERAL): {"WRITE", "DESCRIBE"},
        (TOPIC, "news-", PREFIXED): {"READ", "WRITE", "CREATE", "DESCRIBE", "DESCRIBE_CONFIGS"},
        (GROUP, "news", LITERAL): {"READ", "DESCRIBE"},
    }


def test_the_other_principals_get_only_their_topics_and_group():
    assert rights("replay") == {(TOPIC, "prod.articles", LITERAL): {"WRITE", "DESCRIBE"}}
    read = {"READ", "DESCRIBE"}
    assert rights("reader") == {(TOPIC, "prod.events", LITERAL): read,
                                (TOPIC, "prod.alerts", LITERAL): read,
                                (GROUP, "news-downstream-example", LITERAL): read}
    assert rights("sink") == {**{(TOPIC, f"prod.{t}", LITERAL): read
                                 for t in ("events", "events.daily", "entities", "alerts")},
                              (GROUP, "news-sink", LITERAL): read}


def test_every_grant_is_an_allow_on_a_named_user_and_none_is_on_the_cluster():
    grants = pipeline_grants(SETTINGS, Principals(worker="w1", replay="r1", reader="d1", sink="s1",
                                                  reader_group="dash"))
    assert {g.principal for g in grants} == {"User:w1", "User:r1", "User:d1", "User:s1"}
    assert {g.resource for g in grants} == {TOPIC, GROUP}
    assert len(grants) == len(set(grants)) == 40
    assert any(g.name == "dash" and g.resource == GROUP for g in grants)


def test_an_internal_prefix_that_covers_a_contract_topic_is_refused():
    check_prefixes(SETTINGS)
    with pytest.raises(ValueError, match="'it-1-' also covers it-1-articles"):
        check_prefixes(replace(Settings(), app_id="it-1", topic_prefix="it-1-"))
