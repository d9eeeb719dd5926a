"""API tokens: kept only as a hash, shown once, expiring, revocable, read-only, last use
recorded at most once a minute, limited per token, documented in the schema."""

import hashlib
import importlib
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import api_token_create, api_token_revoke
from audit.models import AuditEvent
from tests.factories.accounts import api_token_for

pytestmark = pytest.mark.django_db

READ = "/api/v1/changes/"
WRITE = "/api/v1/citizens/"
NEW_CITIZEN = {"first_name": "Rhys", "last_name": "Jones", "email": "rhys@example.com"}


def _client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_only_a_hash_of_the_key_is_stored(administrator):
    token, key = api_token_create(actor=None, owner=administrator, name="Chatbot")
    assert key.startswith(f"crm_{token.prefix}_")
    assert len(key) > 40
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert row["secret_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert key not in [str(value) for value in row.values()]
    assert _client(key).get(READ).status_code == 200


def test_a_wrong_secret_with_a_known_prefix_gets_401(administrator):
    token, key = api_token_create(actor=None, owner=administrator, name="Chatbot")
    forged = f"crm_{token.prefix}_" + "A" * 43
    response = _client(forged).get(READ)
    assert response.status_code == 401
    assert response.json() == {"detail": "The token is unknown, expired or revoked."}


def test_an_expired_token_gets_401(administrator):
    key = api_token_for(administrator, expires_at=timezone.now() + timedelta(days=1))
    assert _client(key).get(READ).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _client(key).get(READ).status_code == 401


def test_a_revoked_token_stops_at_once_and_the_revocation_is_audited(administrator):
    token, key = api_token_create(actor=None, owner=administrator, name="Chatbot")
    assert _client(key).get(READ).status_code == 200
    api_token_revoke(actor=administrator, token=token)
    assert _client(key).get(READ).status_code == 401
    assert AuditEvent.objects.filter(
        actor=administrator,
        action="change",
        object_type="accounts.apitoken",
        object_id=str(token.pk),
        detail__revoked=True,
    ).exists()


def test_creating_a_token_is_audited_without_the_key(administrator):
    token, key = api_token_create(actor=administrator, owner=administrator, name="Chatbot")
    event = AuditEvent.objects.get(object_type="accounts.apitoken", action="create")
    assert event.object_id == str(token.pk)
    assert key not in str(event.detail)
    assert token.secret_hash not in str(event.detail)


def test_a_switched_off_member_of_staffs_token_gets_401(administrator):
    key = api_token_for(administrator)
    administrator.is_active = False
    administrator.save()
    assert _client(key).get(READ).status_code == 401


def test_a_read_only_token_reads_but_gets_403_on_writes(administrator):
    key = api_token_for(administrator, read_only=True)
    client = _client(key)
    assert client.get(READ).status_code == 200
    response = client.post(WRITE, NEW_CITIZEN, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "This token is read-only: it may not make changes."}
    assert _client(api_token_for(administrator)).post(WRITE, NEW_CITIZEN).status_code == 201


def test_last_use_is_written_at_most_once_a_minute(administrator):
    token, key = api_token_create(actor=None, owner=administrator, name="Chatbot")
    assert token.last_used_at is None
    client = _client(key)
    client.get(READ)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    client.get(READ)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    client.get(READ)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_requests_per_token_are_limited_with_429_retry_after_and_the_error_shape(
    administrator, settings
):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    client = _client(api_token_for(administrator))
    for _ in range(3):
        assert client.get(READ).status_code == 200
    limited = client.get(READ)
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 120  # a sliding window: up to two
    assert set(limited.json()) == {"detail"}
    # Another token of the same member of staff has its own count.
    assert _client(api_token_for(administrator)).get(READ).status_code == 200


def test_create_api_token_prints_the_key_once_as_the_last_line(administrator):
    out = StringIO()
    call_command(
        "create_api_token", administrator.username, "--read-only", "--expires", "30", stdout=out
    )
    lines = out.getvalue().strip().splitlines()
    key = lines[-1]
    assert "shown only now" in lines[0]
    token = ApiToken.objects.get()
    assert token.read_only
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert _client(key).get(READ).status_code == 200
    assert _client(key).post(WRITE, NEW_CITIZEN, format="json").status_code == 403


def test_create_api_token_expires_after_the_default_unless_told_never(administrator, settings):
    settings.API_TOKEN_DEFAULT_EXPIRY_DAYS = 10
    call_command("create_api_token", administrator.username, stdout=StringIO())
    call_command(
        "create_api_token", administrator.username, "--expires", "never", stdout=StringIO()
    )
    first, second = ApiToken.objects.order_by("id")
    assert timedelta(days=9) < first.expires_at - timezone.now() <= timedelta(days=10)
    assert second.expires_at is None


@pytest.mark.parametrize("value", ["0", "yesterday", "2001-01-01"])
def test_create_api_token_refuses_a_bad_expiry_in_plain_words(administrator, value):
    with pytest.raises(CommandError, match="--expires must"):
        call_command("create_api_token", administrator.username, "--expires", value)
    assert not ApiToken.objects.exists()


def test_old_plain_text_tokens_are_carried_over_hashed_and_keep_working(administrator):
    old_key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "user_id bigint NOT NULL, created timestamp with time zone NOT NULL)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "user_id bigint NOT NULL, created datetime NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, user_id, created) VALUES (%s, %s, %s)",
            [old_key, administrator.pk, timezone.now()],
        )
    migration = importlib.import_module("accounts.migrations.0004_i11b_carry_over_drf_tokens")
    from django.apps import apps

    # What the migration uses of its schema editor (SQLite refuses a real one inside a test's
    # transaction).
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    migration.carry_over(apps, editor)
    token = ApiToken.objects.get()
    assert token.owner == administrator
    assert token.secret_hash == hashlib.sha256(old_key.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
    assert _client(old_key).get(READ).status_code == 200


def test_admin_lists_tokens_never_their_hash_and_revokes(admin_client_, administrator):
    token, key = api_token_create(actor=None, owner=administrator, name="Chatbot")
    listing = admin_client_.get("/admin/accounts/apitoken/")
    assert listing.status_code == 200
    assert "Chatbot" in listing.content.decode()
    detail = admin_client_.get(f"/admin/accounts/apitoken/{token.pk}/change/")
    assert detail.status_code == 200
    for page in (listing, detail):
        assert token.secret_hash not in page.content.decode()
        assert key not in page.content.decode()
    admin_client_.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert ApiToken.objects.get().revoked_at is not None
    assert _client(key).get(READ).status_code == 401


def test_the_schema_documents_the_token_scheme(administrator):
    client = _client(api_token_for(administrator))
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "Authorization"}
    citizens = schema["paths"]["/api/v1/citizens/"]["post"]
    assert {"tokenAuth": []} in citizens["security"]
