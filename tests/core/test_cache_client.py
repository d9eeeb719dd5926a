"""The Redis cache backend (core.cache) builds its Redis client once, not on every call."""

from core.cache import RedisCache


def test_one_client_object_serves_every_call():
    cache = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    client = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is client
    assert cache._cache.get_client("c", write=True) is client


def test_the_site_uses_it(settings):
    assert settings.CACHES["default"]["BACKEND"] in (
        "core.cache.RedisCache",
        "django.core.cache.backends.locmem.LocMemCache",  # no REDIS_URL
    )
