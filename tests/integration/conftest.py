import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api(administrator):
    client = APIClient()
    client.force_authenticate(administrator)
    return client
