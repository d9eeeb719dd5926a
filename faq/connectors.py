"""Connectors: where the data behind dynamic content comes from, one per service-account type.

A connector's `fetch(service_account)` returns `AccountData` — typed values described by the
snapshot schema (verification.snapshot_schema) — or raises `ConnectorUnavailable` with a reason
for the log (never the data). Two connectors exist:

- `StoredSnapshotConnector`: the snapshot stored on the service account (demo data, or data a
  back office pushed through the integration API);
- `HttpConnector`: GET <url><reference> with a bearer token; the answer is the snapshot JSON
  (optionally wrapped as {"snapshot": {...}, "updated_at": "..."}). The whole exchange — connect,
  headers and body — must finish within its time limit (2 s at most), else it is unavailable.

Administrators pick the connector per type in Django admin (`faq.ServiceConnector`).
"""

import datetime
import json
import logging
import time
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

import urllib3
from django.utils.dateparse import parse_datetime

from faq.models import ServiceConnector
from verification.snapshot_schema import SnapshotInvalid, snapshot_parse

log = logging.getLogger(__name__)

MAX_TIMEOUT = 2.0
MAX_BYTES = 256 * 1024
_pool = urllib3.PoolManager(retries=False, maxsize=4)


class ConnectorUnavailable(Exception):
    """The data cannot be had right now (time-out, error, invalid answer)."""


@dataclass
class AccountData:
    values: dict = field(default_factory=dict)
    updated_at: datetime.datetime | None = None
    source: str = ""


class StoredSnapshotConnector:
    name = "stored snapshot"

    def fetch(self, service_account) -> AccountData:
        try:
            values = snapshot_parse(service_account.kind, service_account.snapshot or {})
        except SnapshotInvalid as exc:
            raise ConnectorUnavailable(f"stored snapshot invalid: {sorted(exc.errors)}") from None
        return AccountData(values, service_account.last_synced_at, self.name)


class HttpConnector:
    name = "back-office system"

    def __init__(self, *, url: str, token: str = "", timeout: float = MAX_TIMEOUT):
        self.url = url
        self.token = token
        self.timeout = min(float(timeout), MAX_TIMEOUT)

    def _get(self, url) -> bytes:
        deadline = time.monotonic() + self.timeout
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = _pool.request(
                "GET",
                url,
                headers=headers,
                timeout=urllib3.Timeout(total=self.timeout),
                preload_content=False,
                redirect=False,
            )
        except urllib3.exceptions.HTTPError as exc:
            raise ConnectorUnavailable(f"request failed: {type(exc).__name__}") from None
        try:
            if response.status != 200:
                raise ConnectorUnavailable(f"answered HTTP {response.status}")
            body = bytearray()
            # A server that trickles its answer must not hold the page past the time limit.
            for chunk in response.stream(8192):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise ConnectorUnavailable("answer too large")
                if time.monotonic() > deadline:
                    raise ConnectorUnavailable("timed out reading the answer")
            if time.monotonic() > deadline:
                raise ConnectorUnavailable("timed out")
            return bytes(body)
        except urllib3.exceptions.HTTPError as exc:
            raise ConnectorUnavailable(f"reading failed: {type(exc).__name__}") from None
        finally:
            response.release_conn()

    def fetch(self, service_account) -> AccountData:
        url = self.url + quote(service_account.reference, safe="")
        raw = self._get(url)
        try:
            payload = json.loads(raw, parse_float=Decimal)
        except ValueError:
            raise ConnectorUnavailable("answer is not JSON") from None
        updated_at = None
        if isinstance(payload, dict) and isinstance(payload.get("snapshot"), dict):
            updated_at = parse_datetime(str(payload.get("updated_at") or "")) or None
            payload = payload["snapshot"]
        try:
            values = snapshot_parse(service_account.kind, payload)
        except SnapshotInvalid as exc:
            raise ConnectorUnavailable(f"answer invalid: {sorted(exc.errors)}") from None
        return AccountData(values, updated_at, self.name)


def connector_for(kind: str):
    """The connector configured for this service-account type (stored snapshot by default)."""
    config = ServiceConnector.objects.filter(service_account_kind=kind, active=True).first()
    if config is None or config.backend == ServiceConnector.Backend.STORED:
        return StoredSnapshotConnector()
    return HttpConnector(url=config.url, token=config.token, timeout=float(config.timeout_seconds))


def account_data_fetch(service_account, *, connector=None) -> AccountData | None:
    """The account's data, or None when it is not available right now (the reason is logged,
    never the data)."""
    connector = connector or connector_for(service_account.kind)
    started = time.monotonic()
    try:
        return connector.fetch(service_account)
    except ConnectorUnavailable as exc:
        log.warning(
            "Dynamic content unavailable for service account %s (%s, %s): %s after %.2f s",
            service_account.pk,
            service_account.kind,
            connector.name,
            exc,
            time.monotonic() - started,
        )
        return None
