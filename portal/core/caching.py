"""What cached pages and fragments are keyed by: the content version and the reader's grants.

Everything the site shows about shared content is cached under the current *content version*,
a token replaced whenever anything that could appear on a page changes (an item published,
unpublished, moved, relabelled or deleted, a topic renamed ...). Replacing the token makes every
older entry unreachable at once, so nothing has to be found and deleted; the entries age out.

The token must be the same in every process that serves the site. With a shared cache (Redis)
it lives in the cache; with the per-process local-memory cache it lives in a small file under
``VAR_DIR``, which every process on the host reads (a stat and a read per request).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "content-version"
PROCESS_LOCAL_BACKENDS = ("LocMemCache", "DummyCache")


def _version_file() -> Path | None:
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.rsplit(".", 1)[-1] in PROCESS_LOCAL_BACKENDS:
        return Path(settings.VAR_DIR) / "content-version"
    return None


def content_version(request=None) -> str:
    """The current content version (created on first use), read once per ``request``."""
    if request is not None:
        if not hasattr(request, "_content_version"):
            request._content_version = content_version()
        return request._content_version
    path = _version_file()
    if path is None:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, None)
            version = cache.get(VERSION_KEY, "")
        return version
    try:
        return path.read_text()
    except FileNotFoundError:
        _write_version(path)
        return path.read_text()


def _write_version(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}")
    temporary.write_text(uuid.uuid4().hex)
    os.replace(temporary, path)  # atomic: a reader sees the old token or the new one


def bump_content_version() -> None:
    """Make every cached page and fragment unreachable. A fresh random token, never a counter,
    so a lost or evicted token can never bring old entries back."""
    path = _version_file()
    if path is None:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    else:
        _write_version(path)


def content_changed() -> None:
    """Call when anything a page could show changes. The version moves at once (this process
    must not serve the old content meanwhile) and again when the transaction commits (a request
    that read the old rows in between must not have cached them under the new version)."""
    bump_content_version()
    transaction.on_commit(bump_content_version)


def cache_key(*parts) -> str:
    """A bounded cache key: readable prefix, hashed tail (paths and queries can be long)."""
    digest = hashlib.sha256(repr(parts[1:]).encode()).hexdigest()
    return f"{parts[0]}:{digest}"


def for_grants(request, name: str, build, *vary, timeout: int | None = None):
    """``build()``, cached for readers with the same grants as ``request``'s reader (counts,
    listings, facets). ``vary`` adds whatever else the value depends on."""
    from portal.core.access import grants_digest, principal_for

    key = cache_key("grants", content_version(request), grants_digest(principal_for(request)),
                    name, *vary)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout or settings.FRAGMENT_CACHE_SECONDS)
    return value
