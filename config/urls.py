from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from core.security_headers import with_policy

admin.site.site_header = f"{settings.COUNCIL_NAME} CRM administration"
admin.site.site_title = "CRM administration"
admin.site.index_title = "Configure service areas, contact types, forms and processes"

api_urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        with_policy(settings.API_DOCS_CONTENT_SECURITY_POLICY)(
            SpectacularRedocView.as_view(url_name="api:schema")
        ),
        name="docs",
    ),
    # Each app's API routes live in its own api_urls.py.
    path("", include("citizens.api_urls")),
    path("", include("contacts.api_urls")),
    path("", include("timeline.api_urls")),
    path("", include("requests_tracking.api_urls")),
    path("", include("forms_engine.api_urls")),
    path("", include("faq.api_urls")),
    path("", include("integration.api_urls")),
]

urlpatterns = [
    path("", include("core.urls")),
    path("", include("home.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("audit/", include("audit.urls")),
    path("citizens/", include("citizens.urls")),
    path("citizens/", include("verification.urls")),
    path("contacts/", include("contacts.urls")),
    path("places/", include("places.urls")),
    path("public/places/", include("places.public_urls")),
    path("requests/", include("requests_tracking.urls")),
    path("reported/", include("requests_tracking.reported_urls")),
    path("open311/v2/", include("open311.urls")),
    path("track/", include("requests_tracking.public_urls")),
    path("forms/", include("forms_engine.public_urls")),
    path("portals/", include("forms_engine.urls")),
    path("faq/", include("faq.urls")),
    path("reports/", include("reports.urls")),
    path("help/", include("faq.public_urls")),
    path("timeline/", include("timeline.urls")),
    path("integration/", include("integration.urls")),
    path("api/v1/", include((api_urlpatterns, "api"))),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
