"""The HTTP API's guard without a worker: what counts as loopback, when a worker refuses to
start, which requests the middleware lets through, and the token from the environment."""

from __future__ import annotations

from dataclasses import replace
from unittest import mock

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from streams.cli import main
from streams.http.access import (
    bearer_headers,
    check_exposure,
    is_loopback,
    token_middleware,
    web_bind_of,
)
from streams.runtime.app import create_app
from streams.settings import Settings

TOKEN = "t0ken-of-twenty-chars"


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True),
    ("localhost", True), ("0.0.0.0", False), ("::", False), ("", False),
    ("10.1.2.3", False), ("worker-1.example.net", False), ("::ffff:10.0.0.1", False),
])
def test_what_counts_as_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_beyond_loopback_a_token_is_required():
    check_exposure("127.0.0.1", "")  # the default: no token needed
    check_exposure("0.0.0.0", TOKEN)
    with pytest.raises(ValueError, match=r"listen on 0\.0\.0\.0, beyond loopback, without a "
                                         r"token: set STREAMS_WEB_TOKEN or STREAMS_WEB_TOKEN_FILE"):
        check_exposure("0.0.0.0", "")
    with pytest.raises(ValueError, match="listen on every address"):
        check_exposure("", "")


def test_a_short_token_is_refused_even_on_loopback():
    with pytest.raises(ValueError, match="STREAMS_WEB_TOKEN is 6 characters: use at least 16"):
        check_exposure("127.0.0.1", "abc123")


@pytest.mark.parametrize(("args", "bind"), [
    ([], "127.0.0.1"), (["-l", "info"], "127.0.0.1"), (["-b", "0.0.0.0"], "0.0.0.0"),
    (["--web-bind", "10.0.0.2", "-l", "info"], "10.0.0.2"), (["--web-bind=::"], "::"),
    (["-b0.0.0.0"], "0.0.0.0"), (["--without-web", "-b", "0.0.0.0"], None),
    (["--", "-b", "0.0.0.0"], "127.0.0.1"),
])
def test_the_bind_a_worker_command_line_asks_for(args, bind):
    assert web_bind_of(args, "127.0.0.1") == bind


def test_create_app_refuses_an_open_api_beyond_loopback():
    with pytest.raises(ValueError, match="beyond loopback, without a token"):
        create_app(replace(Settings(), web_host="0.0.0.0", store="memory://"))
    app = create_app(replace(Settings(), web_host="0.0.0.0", web_token=TOKEN, store="memory://"))
    assert app.conf.web_bind == "0.0.0.0"
    [guard] = app.conf.web_application_options["middlewares"]
    assert guard.__middleware_version__ == 1  # an aiohttp middleware, applied to every route


@pytest.mark.parametrize("args", [["-b", "0.0.0.0"], ["--web-bind=10.9.8.7"]])
def test_streams_worker_refuses_to_start_in_one_line(monkeypatch, capsys, args):
    monkeypatch.delenv("STREAMS_WEB_TOKEN", raising=False)
    monkeypatch.delenv("STREAMS_WEB_TOKEN_FILE", raising=False)
    with mock.patch("faust.App.main") as started:
        assert main(["worker", *args]) == 1
    assert not started.called
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("streams worker: the HTTP API would listen on")


def request(path="/actors/top", headers=None, local=("127.0.0.1", 6066), method="GET"):
    transport = mock.Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: (
        local if name == "sockname" else default)
    return make_mocked_request(method, path, headers=headers or {}, transport=transport)


async def answer(token, req):
    async def handler(_):
        return web.json_response({"ok": True})
    return await token_middleware(token)(req, handler)


@pytest.mark.parametrize(("headers", "status"), [
    ({}, 401), ({"Authorization": "Bearer wrong-token-of-twenty"}, 401),
    ({"Authorization": f"Basic {TOKEN}"}, 401), ({"Authorization": TOKEN}, 401),
    ({"Authorization": f"Bearer {TOKEN}"}, 200), ({"Authorization": f"bearer  {TOKEN} "}, 200),
])
async def test_with_a_token_every_request_needs_it(headers, status):
    response = await answer(TOKEN, request(headers=headers))
    assert response.status == status
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer ")


async def test_liveness_stays_open():
    assert (await answer(TOKEN, request("/health/live"))).status == 200
    assert (await answer(TOKEN, request("/health/ready"))).status == 401
    assert (await answer(TOKEN, request("/health/live/../../metrics"))).status == 401


async def test_without_a_token_only_loopback_is_answered():
    assert (await answer("", request())).status == 200
    assert (await answer("", request(local=("::1", 6066, 0, 0)))).status == 200
    assert (await answer("", request(local=("10.0.0.5", 6066)))).status == 403
    assert (await answer("", request("/health/live", local=("10.0.0.5", 6066)))).status == 200


def test_clients_send_the_token_only_when_there_is_one():
    assert bearer_headers("") == {}
    assert bearer_headers(TOKEN) == {"Authorization": f"Bearer {TOKEN}"}


def test_the_token_comes_from_the_environment_or_a_file(monkeypatch, tmp_path):
    monkeypatch.delenv("STREAMS_WEB_TOKEN_FILE", raising=False)
    monkeypatch.setenv("STREAMS_WEB_TOKEN", TOKEN)
    settings = Settings.from_env()
    assert settings.web_token == TOKEN and TOKEN not in repr(settings)
    assert "web_token" not in settings.describe()
    assert settings.to_env()["STREAMS_WEB_TOKEN"] == TOKEN  # a worker it starts gets it
    monkeypatch.delenv("STREAMS_WEB_TOKEN")
    secret = tmp_path / "token"
    secret.write_text(f"{TOKEN}\n")
    monkeypatch.setenv("STREAMS_WEB_TOKEN_FILE", str(secret))
    assert Settings.from_env().web_token == TOKEN
    monkeypatch.setenv("STREAMS_WEB_TOKEN", TOKEN)  # the same one twice: a child of to_env()
    assert Settings.from_env().web_token == TOKEN
    monkeypatch.setenv("STREAMS_WEB_TOKEN", "another-token-entirely")
    with pytest.raises(ValueError, match="STREAMS_WEB_TOKEN and STREAMS_WEB_TOKEN_FILE differ"):
        Settings.from_env()
    monkeypatch.delenv("STREAMS_WEB_TOKEN")
    secret.write_text("\n")
    with pytest.raises(ValueError, match="is empty"):
        Settings.from_env()


class View:
    def json(self, rows):
        return ("json", rows)

    def error(self, status, text):
        return ("error", status, text)


async def test_a_worker_asks_the_others_with_the_token(aiohttp_server_with_guard):
    """`/actors/top` gathers the other workers' rows: with the shared token, a guarded peer
    answers; without it the view says the peer did not answer (503), never a partial list."""
    from types import SimpleNamespace

    from streams.http.views import _cluster_answer

    peer = aiohttp_server_with_guard
    app = SimpleNamespace(conf=SimpleNamespace(canonical_url="http://127.0.0.1:1"),
                          router=SimpleNamespace(tables_metadata=lambda: {str(peer): {}}))
    request = SimpleNamespace(query={}, path="/actors/top")
    merge = lambda answers: [row for rows in answers for row in rows]  # noqa: E731
    mine = [{"code": "SYR"}]
    answered = await _cluster_answer(app, View(), request, bearer_headers(TOKEN), mine, {}, merge)
    assert answered == ("json", [{"code": "SYR"}, {"code": "SYRMIL"}])
    refused = await _cluster_answer(app, View(), request, {}, mine, {}, merge)
    assert refused[:2] == ("error", 503) and "401" in refused[2]


@pytest.fixture()
async def aiohttp_server_with_guard():
    """A peer worker's web server, guarded by TOKEN, answering /actors/top with one row."""
    from aiohttp.test_utils import TestServer

    async def rows(request):
        return web.json_response([{"code": "SYRMIL"}])

    peer = web.Application(middlewares=[token_middleware(TOKEN)])
    peer.router.add_get("/actors/top", rows)
    server = TestServer(peer, host="127.0.0.1")
    await server.start_server()
    yield server.make_url("").human_repr().rstrip("/")
    await server.close()
