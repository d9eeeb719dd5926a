from django.conf import settings


def staff_context(request):
    return {
        "council_name": settings.COUNCIL_NAME,
        "oidc_enabled": settings.OIDC_ENABLED,
        "oidc_provider_name": getattr(settings, "OIDC_PROVIDER_NAME", ""),
    }
