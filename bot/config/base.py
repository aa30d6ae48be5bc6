"""What the parts of the settings share: the project's folder, the error type, the strict
model every config section is, the check of an http(s) URL and the wording of a validation
error."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError

# config/, seeds/ and the var/ state folder sit one level above the package
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class ConfigError(ValueError):
    """The configuration is invalid; the message says where."""


class StrictModel(BaseModel):
    """A config section: an unknown key is an error."""

    model_config = ConfigDict(extra="forbid")


def is_absolute_http_url(url: str) -> bool:
    """``http://host/...`` or ``https://host/...`` with a host name or address (so neither
    ``http://`` nor ``https:example`` nor ``http:///path``)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number or too big
    except ValueError:
        return False
    if parts.scheme.lower() not in {"http", "https"} or url[len(parts.scheme) :][:3] != "://":
        return False
    return bool(hostname) and not any(ch.isspace() for ch in url)


def describe(error: ValidationError) -> str:
    """The first five problems of ``error``, each as ``field.path: message``."""
    parts = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)
