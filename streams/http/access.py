"""Who may ask the worker's HTTP API: anyone on loopback, or whoever holds the bearer token.

The API has no users; it is safe on 127.0.0.1 because only this machine can reach it. Bound
anywhere else it must ask for `Authorization: Bearer <STREAMS_WEB_TOKEN>`:
- `check_exposure` refuses to start a worker whose web server would listen beyond loopback
  without a token (one line, before Faust starts);
- `token_middleware` answers 401 to a request without the token when one is set, and, as a
  second lock when none is, 403 to any request that reached a non-loopback address of this host
  (a bind that slipped past the check, e.g. `faust -A ... worker -b 0.0.0.0`).
`/health/live` stays open: an orchestrator's liveness probe carries no secret and learns nothing
from it but "the process serves".
"""

from __future__ import annotations

import hmac
import ipaddress

from aiohttp import web

OPEN_PATHS = frozenset({"/health/live"})
MIN_TOKEN_LENGTH = 16  # shorter is guessable; secrets.token_urlsafe() gives 43 characters
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or a name) can only be reached from this machine. "0.0.0.0",
    "::", "" (every address) and any other name are not: a name may resolve anywhere."""
    host = host.strip().strip("[]")
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_exposure(bind: str, token: str) -> None:
    """ValueError (one line) when a web server on `bind` would answer beyond this machine
    without a token, or with one too short to resist guessing."""
    if token and len(token) < MIN_TOKEN_LENGTH:
        raise ValueError(f"STREAMS_WEB_TOKEN is {len(token)} characters: use at least "
                         f"{MIN_TOKEN_LENGTH} (e.g. python -c 'import secrets; "
                         "print(secrets.token_urlsafe())')")
    if not token and not is_loopback(bind):
        raise ValueError(f"the HTTP API would listen on {bind or 'every address'}, beyond "
                         "loopback, without a token: set STREAMS_WEB_TOKEN or "
                         "STREAMS_WEB_TOKEN_FILE, or bind 127.0.0.1")


def web_bind_of(faust_args: list[str], default: str) -> str | None:
    """The address a `streams worker FAUST_ARGS` web server binds: Faust's `-b`/`--web-bind`
    when given, else `default`; None with `--without-web` (no server at all)."""
    bind: str | None = default
    args = faust_args[:faust_args.index("--")] if "--" in faust_args else faust_args
    for i, arg in enumerate(args):
        if arg == "--without-web":
            return None
        if arg in ("-b", "--web-bind") and i + 1 < len(args):
            bind = args[i + 1]
        elif arg.startswith("--web-bind="):
            bind = arg.split("=", 1)[1]
        elif arg.startswith("-b") and len(arg) > 2 and not arg.startswith("--"):
            bind = arg[2:]
    return bind


def bearer_headers(token: str) -> dict[str, str]:
    """The header a client (another worker, `streams show`, a test) sends; none without a token."""
    return {"Authorization": f"Bearer {token}"} if token else {}


def _has_token(request: web.Request, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    # compare_digest: the time taken does not tell how much of a guess was right
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def _reached_loopback(request: web.Request) -> bool:
    """Whether the request came in on a loopback address of this host (its socket's own end)."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    return bool(sockname) and isinstance(sockname, tuple) and is_loopback(str(sockname[0]))


def token_middleware(token: str):
    """aiohttp middleware: the guard described in the module docstring."""

    @web.middleware
    async def guard(request: web.Request, handler):
        if request.path in OPEN_PATHS:
            return await handler(request)
        if token:
            if not _has_token(request, token):
                return web.json_response(
                    {"error": "this API needs Authorization: Bearer <token>"}, status=401,
                    headers={"WWW-Authenticate": 'Bearer realm="news-event-streams"'})
        elif not _reached_loopback(request):
            return web.json_response(
                {"error": "no STREAMS_WEB_TOKEN is set: only loopback may ask"}, status=403)
        return await handler(request)

    return guard
