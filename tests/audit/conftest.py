import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Staff made here sign in with force_login; slow hashing would only slow the tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
