import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Staff fixtures hash a password; the production hasher costs about a second per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
