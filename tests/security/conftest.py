import pytest

from tests.security.world import world_build


@pytest.fixture
def world(administrator, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return world_build(staff=administrator)


@pytest.fixture
def staff_client(client, administrator):
    client.force_login(administrator)
    return client
