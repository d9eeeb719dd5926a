import factory
from django.contrib.auth.models import Group

from accounts.models import Staff

PASSWORD = "correct-horse-battery-staple"


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Sequence(lambda n: f"Staff{n}")
    last_name = "Member"
    email = factory.LazyAttribute(lambda o: f"{o.username}@council.example")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
            if extracted == "Administrator":
                self.is_staff = True
        if create:
            self.save()


def api_token_for(user, *, name="test token", **kwargs) -> str:
    """A new API token's key for `user` (the one helper every API test uses)."""
    from accounts.tokens import api_token_create

    _token, key = api_token_create(actor=None, owner=user, name=name, **kwargs)
    return key
