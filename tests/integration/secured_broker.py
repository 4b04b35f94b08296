"""A private broker started with `KAFKA_SECURITY=sasl_ssl ops/kafka start`: TLS from its own test
CA, SCRAM-SHA-512 users, ACLs enforced. What the secured-broker tests start and sign in to."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from worker_process import ROOT

from streams.loadtest.workers import free_port
from streams.settings import Settings

REQUIRE_VARIABLES = ("STREAMS_REQUIRE_SECURED_BROKER", "STREAMS_REQUIRE_CLUSTER")  # CI sets one
# The users made when the storage is formatted (KAFKA_SCRAM_USERS_FILE), and one made later on
# the running broker with `ops/kafka add-user` (ConfigCommand); `stranger` gets no ACL.
PASSWORDS = {"worker": "worker-pass-1", "replay": "replay-pass-2", "reader": "reader-pass-3",
             "sink": "sink-pass-4"}
LATE_USER, LATE_PASSWORD = "stranger", "stranger-pass-5"


def required() -> str | None:
    for name in REQUIRE_VARIABLES:
        if os.environ.get(name, "").strip().lower() in ("1", "true", "yes"):
            return name
    return None


def missing_tools() -> str | None:
    java = Path(os.environ["JAVA_HOME"]) / "bin" / "java" if os.environ.get("JAVA_HOME") else \
        shutil.which("java")
    absent = [name for name, path in (("java", java), ("keytool", shutil.which("keytool")),
                                      ("openssl", shutil.which("openssl"))) if not path]
    return f"the secured broker needs {', '.join(absent)}" if absent else None


class SecuredBroker:
    """`ops/kafka` with KAFKA_SECURITY=sasl_ssl on free ports and a data folder of its own."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.controller_port = free_port()
        while self.controller_port == self.port:
            self.controller_port = free_port()
        self.data_dir = folder / "kafka"
        users = folder / "scram-users"
        users.write_text("".join(f"{name} {password}\n" for name, password in PASSWORDS.items()))
        self.bootstrap = f"127.0.0.1:{self.port}"
        self.env = {**os.environ, "KAFKA_SECURITY": "sasl_ssl", "KAFKA_PORT": str(self.port),
                    "KAFKA_CONTROLLER_PORT": str(self.controller_port),
                    "KAFKA_DATA_DIR": str(self.data_dir), "KAFKA_SCRAM_USERS_FILE": str(users),
                    "KAFKA_HEAP_OPTS": "-Xmx512m -Xms128m"}

    def run(self, *command: str, stdin: str | None = None) -> str:
        done = subprocess.run([str(ROOT / "ops" / "kafka"), *command], env=self.env, input=stdin,
                              capture_output=True, text=True, timeout=240)
        if done.returncode != 0:
            pytest.fail(f"ops/kafka {' '.join(command)} (sasl_ssl, port {self.port}) failed:\n"
                        f"{done.stdout}{done.stderr}", pytrace=False)
        return done.stdout.strip()

    @property
    def ca_file(self) -> Path:
        return self.data_dir / "tls" / "ca.pem"

    def client_env(self, user: str | None = None, password: str | None = None) -> dict[str, str]:
        """The variables a client of this broker sets: admin's by default (`ops/kafka
        client-env`), or `user`'s with its password from PASSWORDS (or the one given)."""
        env = {}
        for line in self.run("client-env").splitlines():
            for pair in line.removeprefix("export ").split():
                name, _, value = pair.partition("=")
                env[name] = value
        if user is not None:
            env["KAFKA_SASL_USERNAME"] = user
            env["KAFKA_SASL_PASSWORD"] = password if password is not None else \
                {**PASSWORDS, LATE_USER: LATE_PASSWORD}[user]
        return env

    def settings(self, base: Settings, user: str | None = None) -> Settings:
        """`base` signed in as admin, or as `user`."""
        saved = dict(os.environ)
        try:
            os.environ.update(self.client_env(user))
            security = Settings.from_env().security
        finally:
            os.environ.clear()
            os.environ.update(saved)
        return replace(base, bootstrap=self.bootstrap, security=security)
