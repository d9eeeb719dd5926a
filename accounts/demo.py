"""Demo staff: one member of staff per role (seed_demo calls `ensure` every time it runs)."""

from django.contrib.auth.models import Group

from accounts.models import Staff
from core.demo import DEMO_PASSWORD, DEMO_STAFF
from organisation.models import Location, ServiceArea


def ensure(ctx) -> None:
    """Create the demo staff that do not exist yet and put them all in `ctx.staff`."""
    all_areas = list(ServiceArea.objects.all())
    for username, (first, last, role, location) in DEMO_STAFF.items():
        user, created = Staff.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@council.example",
                "is_staff": role == "Administrator",
                "is_superuser": role == "Administrator",
                "usual_location": Location.objects.filter(name=location).first(),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=role))
            if role == "Service officer":
                user.service_areas.set(all_areas[:1])
                user.teams.set(all_areas[0].teams.all()[:1] if all_areas else [])
            elif role != "Administrator":
                user.service_areas.set(all_areas)
        ctx.staff[username] = user
