import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label_lower)
def test_every_admin_list_and_add_page_works_for_administrators(
    admin_client_, model, reference_data
):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client_.get(changelist).status_code == 200
    add = admin_client_.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code in (200, 403)  # 403: written only through the app's services


def test_citizen_records_are_read_only_in_admin(admin_client_):
    from tests.factories import CitizenFactory

    citizen = CitizenFactory()
    url = reverse("admin:citizens_citizen_change", args=[citizen.pk])
    assert admin_client_.get(url).status_code == 200
    response = admin_client_.post(url, {"last_name": "Changed"})
    assert response.status_code == 403
    citizen.refresh_from_db()
    assert citizen.last_name != "Changed"
