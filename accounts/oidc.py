from mozilla_django_oidc.auth import OIDCAuthenticationBackend


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """Single sign-on for existing staff, matched on their email address (case-insensitive)."""

    def filter_users_by_claims(self, claims):
        email = claims.get("email") or claims.get("preferred_username") or ""
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)
