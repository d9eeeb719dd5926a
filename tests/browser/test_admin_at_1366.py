"""Process pages and question configuration in Django admin fit a 1,366 px wide screen: no
horizontal scroll, inlines compact."""

import pytest

from accounts.models import Role
from tests.factories import StaffFactory
from tests.factories.requests_tracking import ProcessFactory, StageActionFactory
from verification.models import SecurityQuestion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_process_and_question_admin_fit_1366_without_sideways_scroll(
    page, signed_in_page, reference_data
):
    page.set_viewport_size({"width": 1366, "height": 768})
    admin = StaffFactory(username="admin-1366", role=Role.ADMINISTRATOR)
    signed_in_page(admin)
    process = ProcessFactory(
        name="Bulky waste collection with a long name for the page",
        stages=[(f"Stage {n} with a longer name", 2, "days") for n in range(1, 5)],
    )
    stages = list(process.stages.order_by("order"))
    StageActionFactory(stage=stages[0])
    from verification.reference import seed

    seed()
    question = SecurityQuestion.objects.first()
    pages = [
        f"/admin/requests_tracking/process/{process.pk}/change/",
        "/admin/requests_tracking/process/add/",
        f"/admin/requests_tracking/stage/{stages[0].pk}/change/",
        "/admin/requests_tracking/process/",
        "/admin/verification/securityquestion/",
        f"/admin/verification/securityquestion/{question.pk}/change/",
        "/admin/requests_tracking/workingtimesettings/add/",
    ]
    for url in pages:
        page.goto(url)
        assert page.locator("#content").count() == 1, url
        assert _overflow(page) <= 0, f"{url} scrolls sideways by {_overflow(page)} px"
