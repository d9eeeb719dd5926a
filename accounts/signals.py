"""Signals the accounts app sends (its public events); the audit app records them."""

from django.dispatch import Signal

# sender=ApiToken, instance=the token, actor=Staff or None (a management command)
api_token_created = Signal()
api_token_revoked = Signal()
