"""Cache settings for tests of what happens when Redis is stopped."""

# Nothing listens on port 1: every cache call fails at once, as with Redis stopped.
UNREACHABLE = {
    "default": {
        "BACKEND": "core.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}
