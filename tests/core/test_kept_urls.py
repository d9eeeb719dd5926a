"""`{% url %}` keeps the addresses it works out (core/templatetags/kept_urls.py) and gives
exactly what Django's own tag gives; static files' addresses are kept too (core/storage.py)."""

import pytest
from django.template import Context, Engine, Template
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from core.templatetags.kept_urls import _reverse


def _django(source, **context):
    engine = Engine(builtins=[])  # Django's own tags only
    return engine.from_string(source).render(Context(context))


def _ours(source, **context):
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("source", "context"),
    [
        ("{% url 'home:home' %}", {}),
        ("{% url 'citizens:detail' 12 %}", {}),
        ("{% url 'citizens:detail' pk %}", {"pk": 7}),
        ("{% url 'citizens:detail' pk=pk %}", {"pk": "9"}),
        ("{% url 'citizens:search' as found %}[{{ found }}]", {}),
        ("{% url 'no:such' as found %}[{{ found }}]", {}),
        ("{% url name %}", {"name": "faq:list"}),
        ("{% url 'citizens:search' %}?q=<b>", {}),
    ],
)
def test_the_same_output_as_djangos_tag_twice(source, context):
    expected = _django(source, **context)
    assert _ours(source, **context) == expected
    assert _ours(source, **context) == expected


def test_the_tag_is_ours_in_every_template():
    assert type(Template("{% url 'home:home' %}").nodelist[0]).__name__ == "KeptURLNode"


def test_a_name_that_does_not_resolve_still_raises():
    with pytest.raises(NoReverseMatch):
        _ours("{% url 'no:such' %}")
    with pytest.raises(NoReverseMatch):
        _ours("{% url 'no:such' %}")


def test_other_arguments_are_worked_out_every_time():
    class Key:
        def __str__(self):
            return "5"

    _reverse.cache_clear()
    assert _ours("{% url 'citizens:detail' key %}", key=Key()) == reverse(
        "citizens:detail", args=["5"]
    )
    assert _reverse.cache_info().currsize == 0


def test_the_script_prefix_is_part_of_the_key():
    try:
        set_script_prefix("/crm/")
        assert _ours("{% url 'home:home' %}") == "/crm/"
    finally:
        set_script_prefix("/")
    assert _ours("{% url 'home:home' %}") == "/"


def test_a_new_urlconf_is_followed():
    _ours("{% url 'home:home' %}")
    with override_settings(ROOT_URLCONF="tests.core.urls_elsewhere"):
        assert _ours("{% url 'home:home' %}") == "/elsewhere/"
    assert _ours("{% url 'home:home' %}") == "/"


def test_static_addresses_are_kept(tmp_path, settings):
    from core.storage import KeptURLManifestStaticFilesStorage

    (tmp_path / "staticfiles.json").write_text(
        '{"paths": {"css/app.css": "css/app.123.css"}, "version": "1.1", "hash": "x"}'
    )
    settings.DEBUG = False
    storage = KeptURLManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    assert storage.url("css/app.css") == "/static/css/app.123.css"
    assert storage.url("css/app.css") == "/static/css/app.123.css"
    assert storage._kept_urls == {"css/app.css": "/static/css/app.123.css"}
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/none.css")
