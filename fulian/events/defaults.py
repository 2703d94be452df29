"""The kinds, campaigns and training series every installation starts with. Codes are
stable (indicators and the API use them); names may be edited by the district."""

from __future__ import annotations

from typing import Any

KINDS = [
    ("training", "培训"),
    ("training_class", "培训班"),
    ("lecture", "讲座宣讲"),
    ("legal_publicity", "普法宣传"),
    ("skills_training", "技能培训"),
    ("pairing_visit", "结对帮扶走访"),
    ("cleaning", "清洁行动"),
    ("study_tour", "观摩学习"),
    ("meeting", "会议"),
    ("culture_sports", "文体活动"),
    ("counselling", "心理疏导"),
    ("family_education", "家庭教育"),
    ("other", "其他"),
]

# (code, name, parent code)
CAMPAIGNS = [
    ("law_homes", "法进万家安民心", ""),
    ("women_voice", "新时代女性课堂·巾帼好声音", ""),
    ("women_classroom", "新时代女性课堂", "women_voice"),
    ("good_voice", "巾帼好声音", "women_voice"),
    ("growing_together", "携手成长", ""),
    ("love_home", "把爱带回家", ""),
    ("beautiful_homes", "巾帼共建美丽家园", ""),
    ("three_visits", "三访三帮", ""),
]

SERIES = [("lingtouyan", "领头雁"), ("huhang", "护航成长")]


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
