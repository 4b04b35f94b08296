"""The version fence of every module that overrides a library's private internals.

Such a module was written against one release of the library and checks at import that it is the
one installed: another release may have moved what it overrides. The check reads the installed
distribution's metadata, so it runs before the library itself is imported. Each fenced module has
a decision record in docs/decisions/ that says what it overrides and how to drop it.
"""

from __future__ import annotations

from importlib import metadata


class UnsupportedVersion(SystemExit):
    """A SystemExit: the process stops with this one line, not a traceback."""


def require_version(distribution: str, supported: str, module: str, record: str) -> None:
    """Stop unless `distribution` is installed at exactly `supported`."""
    try:
        installed = metadata.version(distribution)
    except metadata.PackageNotFoundError:
        installed = "none"
    if installed != supported:
        raise UnsupportedVersion(
            f"{distribution} {installed} is installed, but {module} overrides internals of "
            f"{distribution} {supported}: see docs/decisions/{record}")
