"""Sessions read from the cache (Redis) and kept in the database, working on when Redis is down.

Django's `cached_db` store reads a session from the cache and falls back to the database, but
some of its cache calls are unguarded: with Redis stopped, filling the cache after a database
read, checking a new key or deleting a session at sign-out raise, and every signed-in page
answers 500. This store treats the cache as an optimisation only: any cache error is logged and
the database, which always holds every session, answers instead. Writes still go to the
database first, so nothing is lost when the cache is unreachable.

A copy lives in the cache for at most CACHE_SECONDS: a sign-out while Redis is unreachable
deletes the session from the database but cannot delete the cached copy, so should Redis come
back with its data that copy would still open the session — for five minutes at most, not for
the rest of the session's lifetime.
"""

import logging

from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger("django.contrib.sessions")
__all__ = ["KEY_PREFIX", "SessionStore"]


CACHE_SECONDS = 300


class SessionStore(CachedDBStore):
    def _cache_call(self, method, *args, default=None):
        try:
            return getattr(self._cache, method)(*args)
        except Exception:
            logger.warning("Session cache unavailable (%s); using the database", method)
            return default

    def _cache_age(self, expiry=None) -> int:
        age = self.get_expiry_age() if expiry is None else self.get_expiry_age(expiry=expiry)
        return min(age, CACHE_SECONDS)

    def load(self):
        data = self._cache_call("get", self.cache_key)
        if data is None:
            s = self._get_session_from_db()
            if s:
                data = self.decode(s.session_data)
                self._cache_call("set", self.cache_key, data, self._cache_age(s.expire_date))
            else:
                data = {}
        return data

    def exists(self, session_key):
        if session_key and self._cache_call(
            "has_key", self.cache_key_prefix + session_key, default=False
        ):
            return True
        return super(CachedDBStore, self).exists(session_key)

    def save(self, must_create=False):
        super(CachedDBStore, self).save(must_create)
        self._cache_call("set", self.cache_key, self._session, self._cache_age())

    def delete(self, session_key=None):
        super(CachedDBStore, self).delete(session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self._cache_call("delete", self.cache_key_prefix + session_key)
