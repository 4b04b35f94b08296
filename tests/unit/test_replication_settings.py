"""Replication settings: derived from the bootstrap list, overridden by the environment, carried to
child processes, and nonsense refused in one line that names the variable."""

from __future__ import annotations

import pytest

from streams.cli import main
from streams.settings import Settings, derive_replication

VARS = ("KAFKA_BOOTSTRAP", "STREAMS_REPLICATION_FACTOR", "STREAMS_MIN_INSYNC_REPLICAS")


@pytest.fixture()
def env(monkeypatch):
    """Sets the given variables, with the replication ones and KAFKA_BOOTSTRAP unset otherwise."""
    for name in VARS:
        monkeypatch.delenv(name, raising=False)

    def set_env(**values: str) -> Settings:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        return Settings.from_env()

    return set_env


def test_a_single_broker_by_default():
    settings = Settings()
    assert (settings.replication_factor, settings.min_insync_replicas) == (1, 1)
    assert settings.topic_config == {"min.insync.replicas": "1"}


@pytest.mark.parametrize(("bootstrap", "expected"), [
    ("127.0.0.1:9092", (1, 1)),
    ("kafka-1:9092,kafka-2:9092", (2, 1)),
    ("kafka-1:9092,kafka-2:9092,kafka-3:9092", (3, 2)),
    ("k1:9092,k2:9092,k3:9092,k4:9092,k5:9092", (3, 2)),
    ("kafka-1:9092,kafka-2:9092,", (2, 1)),  # a trailing comma is not a broker
])
def test_the_default_follows_the_bootstrap_list(env, bootstrap, expected):
    settings = env(KAFKA_BOOTSTRAP=bootstrap)
    assert (settings.replication_factor, settings.min_insync_replicas) == expected


def test_an_explicit_variable_wins(env):
    settings = env(KAFKA_BOOTSTRAP="k1:9092,k2:9092,k3:9092", STREAMS_REPLICATION_FACTOR="5",
                   STREAMS_MIN_INSYNC_REPLICAS="3")
    assert (settings.replication_factor, settings.min_insync_replicas) == (5, 3)
    assert settings.topic_config == {"min.insync.replicas": "3"}


def test_min_insync_follows_an_explicit_replication_factor(env):
    # One address in front of a three-broker cluster (a load balancer): only the factor is set.
    settings = env(KAFKA_BOOTSTRAP="kafka.example.net:9092", STREAMS_REPLICATION_FACTOR="3")
    assert (settings.replication_factor, settings.min_insync_replicas) == (3, 2)
    settings = env(KAFKA_BOOTSTRAP="k1:9092,k2:9092,k3:9092", STREAMS_REPLICATION_FACTOR="1")
    assert (settings.replication_factor, settings.min_insync_replicas) == (1, 1)


def test_a_child_process_gets_the_same_values(env, monkeypatch):
    parent = env(KAFKA_BOOTSTRAP="k1:9092,k2:9092,k3:9092", STREAMS_MIN_INSYNC_REPLICAS="3")
    carried = parent.to_env()
    assert (carried["STREAMS_REPLICATION_FACTOR"], carried["STREAMS_MIN_INSYNC_REPLICAS"]) == (
        "3", "3")
    for name in VARS:
        monkeypatch.delenv(name, raising=False)
    for name, value in carried.items():
        monkeypatch.setenv(name, value)
    assert Settings.from_env() == parent


@pytest.mark.parametrize(("values", "message"), [
    ({"STREAMS_REPLICATION_FACTOR": "2", "STREAMS_MIN_INSYNC_REPLICAS": "3"},
     "STREAMS_MIN_INSYNC_REPLICAS=3 is more than STREAMS_REPLICATION_FACTOR=2: no write could "
     "ever be acknowledged"),
    ({"STREAMS_MIN_INSYNC_REPLICAS": "2"},  # a single broker: the factor is 1
     "STREAMS_MIN_INSYNC_REPLICAS=2 is more than STREAMS_REPLICATION_FACTOR=1: no write could "
     "ever be acknowledged"),
    ({"STREAMS_REPLICATION_FACTOR": "-1"},
     "STREAMS_REPLICATION_FACTOR=-1: must be at least 1 (or 0 to derive it from KAFKA_BOOTSTRAP)"),
    ({"STREAMS_MIN_INSYNC_REPLICAS": "-2"},
     "STREAMS_MIN_INSYNC_REPLICAS=-2: must be at least 1 (or 0 to derive it from the replication "
     "factor)"),
    ({"STREAMS_REPLICATION_FACTOR": "three"}, "STREAMS_REPLICATION_FACTOR='three' is not a number"),
])
def test_nonsense_is_refused_naming_the_variable(env, values, message):
    with pytest.raises(ValueError) as refused:
        env(**values)
    assert str(refused.value) == message


def test_zero_means_derive():
    assert derive_replication("k1:9092,k2:9092,k3:9092", 0, 0) == (3, 2)
    assert derive_replication("k1:9092", 0, 0) == (1, 1)


def test_the_command_line_says_it_in_one_line(env, monkeypatch, capsys):
    monkeypatch.setenv("STREAMS_REPLICATION_FACTOR", "1")
    monkeypatch.setenv("STREAMS_MIN_INSYNC_REPLICAS", "2")
    assert main(["topics"]) == 4  # bad configuration, refused before any broker is asked
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ("streams topics: STREAMS_MIN_INSYNC_REPLICAS=2 is more than "
                            "STREAMS_REPLICATION_FACTOR=1: no write could ever be acknowledged; "
                            "fix the variable (every variable: docs/operations.md#configuration)\n")
