"""The kinds, campaigns and training series every installation starts with. Codes are
stable (indicators and the API use them); names may be edited by the district. The names
are marked for extraction, so pages show them in the reader's language (core.text.label)
until the district renames them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

KINDS = [
    ("training", gettext_noop("培训")),
    ("training_class", gettext_noop("培训班")),
    ("lecture", gettext_noop("讲座宣讲")),
    ("legal_publicity", gettext_noop("普法宣传")),
    ("skills_training", gettext_noop("技能培训")),
    ("pairing_visit", gettext_noop("结对帮扶走访")),
    ("cleaning", gettext_noop("清洁行动")),
    ("study_tour", gettext_noop("观摩学习")),
    ("meeting", gettext_noop("会议")),
    ("culture_sports", gettext_noop("文体活动")),
    ("counselling", gettext_noop("心理疏导")),
    ("family_education", gettext_noop("家庭教育")),
    ("other", gettext_noop("其他")),
]

# (code, name, parent code)
CAMPAIGNS = [
    ("law_homes", gettext_noop("法进万家安民心"), ""),
    ("women_voice", gettext_noop("新时代女性课堂·巾帼好声音"), ""),
    ("women_classroom", gettext_noop("新时代女性课堂"), "women_voice"),
    ("good_voice", gettext_noop("巾帼好声音"), "women_voice"),
    ("growing_together", gettext_noop("携手成长"), ""),
    ("love_home", gettext_noop("把爱带回家"), ""),
    ("beautiful_homes", gettext_noop("巾帼共建美丽家园"), ""),
    ("three_visits", gettext_noop("三访三帮"), ""),
]

SERIES = [("lingtouyan", gettext_noop("领头雁")), ("huhang", gettext_noop("护航成长"))]


def install(kind_model: Any, campaign_model: Any, series_model: Any) -> None:
    """Create what is missing; never overwrite a name the district has edited."""
    for order, (code, name) in enumerate(KINDS):
        kind_model.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})
    by_code: dict[str, Any] = {}
    for order, (code, name, parent) in enumerate(CAMPAIGNS):
        by_code[code], _ = campaign_model.objects.get_or_create(
            code=code,
            defaults={"name": name, "order": order * 10, "parent": by_code.get(parent)},
        )
    for order, (code, name) in enumerate(SERIES):
        series_model.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})
