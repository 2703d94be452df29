from django.db import migrations

LIMITS = {
    "marriage": (7, False),
    "violence": (1, True),
    "rights": (7, False),
    "legal": (5, False),
    "counselling": (5, False),
    "employment": (10, False),
    "hardship": (7, False),
    "child": (1, True),
    "other": (10, False),
}
BODIES = [
    ("秦州区人民法院", "court"),
    ("秦州区司法局（各司法所）", "justice"),
    ("天水市公安局秦州分局", "police"),
    ("秦州区民政局", "civil"),
    ("秦州区法律援助中心", "legal_aid"),
    ("秦州区心理健康服务中心", "psychology"),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    rule = apps.get_model("cases", "CategoryRule")
    body = apps.get_model("cases", "OutsideBody")
    for category, (days, to_town) in LIMITS.items():
        rule.objects.get_or_create(
            category=category, defaults={"days": days, "route_to_town": to_town}
        )
    for name, kind in BODIES:
        body.objects.get_or_create(name=name, defaults={"kind": kind})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
