"""Labels that live in variables and rows reach the reader in their language: the choices
of every model field, every indicator, the shipped activity kinds, campaigns and series,
ethnic groups and age bands. (``scripts/translations.py check`` refuses a translation call
on a variable; these tests prove the labels themselves are in the catalogues.)"""

import re

import pytest
from django.apps import apps
from django.utils import translation

from fulian.core.indicators import REGISTRY
from fulian.core.text import label
from fulian.events.defaults import CAMPAIGNS, KINDS, SERIES
from fulian.people import services as people_services
from fulian.people.models import CompositionDimension

HAN = re.compile(r"[\u4e00-\u9fff]")


def _choice_labels():
    for model in apps.get_models():
        if not model.__module__.startswith("fulian."):
            continue
        for field in model._meta.get_fields():
            for _value, text in getattr(field, "choices", None) or []:
                yield f"{model._meta.label}.{field.name}", text


def test_every_choice_of_every_model_field_is_translated():
    with translation.override("en"):
        untranslated = [
            (where, str(text)) for where, text in _choice_labels() if HAN.search(str(text))
        ]
    assert untranslated == []
    with translation.override("zh-hant"):
        labels = dict(_choice_labels())
        assert str(labels["people.Person.ethnicity"]) != ""
        assert "漢族" in {str(t) for w, t in _choice_labels() if w == "people.Person.ethnicity"}


def test_every_indicator_reads_in_english_including_campaign_and_series_ones():
    with translation.override("en"):
        untranslated = [
            (i.code, str(i.name), str(i.definition), str(i.unit))
            for i in REGISTRY.values()
            if HAN.search(f"{i.name}{i.definition}{i.unit}")
        ]
        names = {i.code: str(i.name) for i in REGISTRY.values()}
    assert untranslated == []
    assert names["events.campaign.law_homes"] == "“Law into Every Home” activities"
    with translation.override("zh-hant"):
        names = {i.code: str(i.name) for i in REGISTRY.values()}
    assert names["events.series.lingtouyan.classes"] == "“領頭雁”培訓班期數"


def test_shipped_kinds_campaigns_series_and_composition_labels_are_translated():
    names = [n for _c, n in KINDS] + [n for _c, n, _p in CAMPAIGNS] + [n for _c, n in SERIES]
    with translation.override("en"):
        assert [n for n in names if HAN.search(label(n))] == []
        for dimension in (CompositionDimension.ETHNICITY, CompositionDimension.AGE):
            categories = people_services.composition_categories(dimension)
            assert [t for _k, t in categories if HAN.search(str(t))] == []
        assert label("普法宣传") == "Legal publicity"
        # A name the district typed is shown as stored.
        assert label("秦州区巾帼志愿服务月") == "秦州区巾帼志愿服务月"
    with translation.override("zh-hant"):
        assert label("秦州区巾帼志愿服务月") == "秦州區巾幗志願服務月"
        assert label("普法宣传") == "普法宣傳"


@pytest.mark.django_db
def test_view_button_and_viewer_role_read_differently(client, cast):
    """查看 the verb and 查看 the role used to share one msgid (English showed "Viewer" on
    the view button)."""
    client.force_login(cast.district_admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    campaigns = client.get("/events/campaigns/").content.decode()
    assert ">View</button>" in campaigns
    users = client.get("/accounts/users/").content.decode()
    assert "Viewer" in users and "Editor" in users
