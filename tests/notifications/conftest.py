import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Staff fixtures hash a password; the production hasher costs about a second per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_eager():
    """Run tasks in-process even when REDIS_URL is set for the whole suite (CI's Redis run)."""
    from celery import current_app

    saved = (current_app.conf.task_always_eager, current_app.conf.task_eager_propagates)
    current_app.conf.task_always_eager = True
    current_app.conf.task_eager_propagates = True
    yield
    current_app.conf.task_always_eager, current_app.conf.task_eager_propagates = saved
