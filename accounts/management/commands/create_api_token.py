from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.tokens import api_token_create


def _expiry(value: str | None):
    """--expires: a number of days, a date (YYYY-MM-DD) or 'never'."""
    if value is None:
        days = settings.API_TOKEN_DEFAULT_EXPIRY_DAYS
        return timezone.now() + timedelta(days=days) if days > 0 else None
    value = value.strip().lower()
    if value == "never":
        return None
    if value.isdigit():
        if int(value) < 1:
            raise CommandError("--expires must be at least 1 day.")
        return timezone.now() + timedelta(days=int(value))
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise CommandError(
            "--expires must be a number of days, a date like 2027-03-31, or 'never'."
        ) from exc
    when = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    if when <= timezone.now():
        raise CommandError("--expires must be a date in the future.")
    return when


class Command(BaseCommand):
    help = (
        "Create an API token for a member of staff and print its key once, as the last line "
        "(only a hash is stored: copy it now)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What uses the token (default: cli).")
        parser.add_argument(
            "--expires",
            help="Days until it expires, a date (YYYY-MM-DD) or 'never' "
            "(default: API_TOKEN_DEFAULT_EXPIRY_DAYS).",
        )
        parser.add_argument(
            "--read-only", action="store_true", help="The token may only read (writes get 403)."
        )

    def handle(self, *args, username, name, expires, read_only, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No member of staff has the username {username!r}.") from exc
        token, key = api_token_create(
            actor=None,
            owner=user,
            name=name or "Made with create_api_token",
            expires_at=_expiry(expires),
            read_only=read_only,
        )
        ends = (
            f"expires {timezone.localtime(token.expires_at):%-d %B %Y}"
            if token.expires_at
            else "never expires"
        )
        access = "read-only" if read_only else "read and write"
        self.stdout.write(
            f"API token for {user.username} ({access}, {ends}). It is shown only now: "
            "send it as 'Authorization: Token <key>':"
        )
        self.stdout.write(key)
