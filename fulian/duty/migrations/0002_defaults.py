from django.db import migrations


def install_defaults(apps, schema_editor):
    from fulian.duty.defaults import install

    install(apps.get_model("duty", "DifficultyCategory"), apps.get_model("duty", "PointRule"))


class Migration(migrations.Migration):
    dependencies = [("duty", "0001_initial")]

    operations = [migrations.RunPython(install_defaults, migrations.RunPython.noop)]
