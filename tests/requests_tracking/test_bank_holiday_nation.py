"""Administrators choose the bank-holiday nation in admin; the environment is the default."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from requests_tracking.models import WorkingTimeSettings
from requests_tracking.working_time import (
    bank_holiday_nation,
    bank_holiday_nation_forget,
    is_working_day,
)

pytestmark = pytest.mark.django_db
SECOND_OF_JANUARY = date(2026, 1, 2)  # a Friday: a bank holiday in Scotland only


@pytest.fixture(autouse=True)
def _fresh_nation():
    bank_holiday_nation_forget()
    yield
    bank_holiday_nation_forget()


def test_the_environment_setting_is_the_default(settings):
    settings.BANK_HOLIDAY_NATION = "SCT"
    assert bank_holiday_nation() == "SCT"
    assert not is_working_day(SECOND_OF_JANUARY)


def test_an_administrator_chooses_the_nation_in_admin(admin_client_, administrator, settings):
    settings.BANK_HOLIDAY_NATION = "ENG"
    assert is_working_day(SECOND_OF_JANUARY)
    add = admin_client_.get(reverse("admin:requests_tracking_workingtimesettings_add"))
    assert "England and Wales" in add.text
    assert "Northern Ireland" in add.text
    response = admin_client_.post(
        reverse("admin:requests_tracking_workingtimesettings_add"),
        {"bank_holiday_nation": "SCT"},
    )
    assert response.status_code == 302
    assert bank_holiday_nation() == "SCT"
    assert not is_working_day(SECOND_OF_JANUARY)
    event = AuditEvent.objects.get(object_type="requests_tracking.workingtimesettings")
    assert event.actor == administrator
    assert event.detail == {"bank_holiday_nation": "SCT"}
    # One row only: no second one can be added, and it cannot be deleted.
    assert (
        admin_client_.get(reverse("admin:requests_tracking_workingtimesettings_add")).status_code
        == 403
    )
    row = WorkingTimeSettings.objects.get()
    delete = reverse("admin:requests_tracking_workingtimesettings_delete", args=[row.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403


def test_a_nation_outside_the_list_is_refused(admin_client_):
    response = admin_client_.post(
        reverse("admin:requests_tracking_workingtimesettings_add"),
        {"bank_holiday_nation": "XYZ"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not WorkingTimeSettings.objects.exists()
