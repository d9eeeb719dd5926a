"""One open stage visit per request (a unique index on open visits), a change counter on
requests for stale-page checks, and the permission to work every area when given none.

Before the index is built, requests left with more than one open visit by the race this
prevents (two "advance" at once) are repaired: the visit the request points at (or else the
latest) stays open and the others are closed when it began.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count


def close_extra_open_visits(apps, schema_editor):
    StageVisit = apps.get_model("requests_tracking", "StageVisit")
    Request = apps.get_model("requests_tracking", "Request")
    crowded = (
        StageVisit.objects.filter(left_at__isnull=True)
        .values("request_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("request_id", flat=True)
    )
    for request_id in list(crowded):
        current_visit_id = (
            Request.objects.filter(pk=request_id)
            .values_list("current_visit_id", flat=True)
            .first()
        )
        open_visits = list(
            StageVisit.objects.filter(request_id=request_id, left_at__isnull=True).order_by(
                "entered_at", "id"
            )
        )
        keep = next((v for v in open_visits if v.pk == current_visit_id), open_visits[-1])
        for visit in open_visits:
            if visit.pk == keep.pk:
                continue
            visit.left_at = max(visit.entered_at, keep.entered_at)
            visit.sla_met = visit.left_at <= visit.due_at
            visit.save(update_fields=["left_at", "sla_met"])


class Migration(migrations.Migration):
    dependencies = [
        ("requests_tracking", "0007_duplicate_links"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="request",
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [
                    ("work_request", "Can work requests: move stages, hold, resolve, cancel"),
                    (
                        "work_any_area",
                        "Can work requests of every service area when given none",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="request",
            name="version",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(close_extra_open_visits, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="stagevisit",
            constraint=models.UniqueConstraint(
                condition=models.Q(("left_at__isnull", True)),
                fields=("request",),
                name="visit_one_open_per_request",
            ),
        ),
    ]
