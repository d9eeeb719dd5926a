"""Signals the accounts app sends (its public events); the audit app records them."""

from django.dispatch import Signal

# sender=ApiToken, instance=the token, actor=Staff or None (a management command)
api_token_created = Signal()
api_token_revoked = Signal()

# sender=the sign-in view, request=, username=the name typed, reason="address" (too many
# failures from the address) or "locked" (the address's own lockout): refused before any
# password was checked, so Django's user_login_failed is not sent.
sign_in_refused = Signal()
