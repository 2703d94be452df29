from django.db import migrations


def install_defaults(apps, schema_editor):
    from fulian.events.defaults import install

    install(
        apps.get_model("events", "ActivityKind"),
        apps.get_model("events", "Campaign"),
        apps.get_model("events", "TrainingSeries"),
    )


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(install_defaults, migrations.RunPython.noop)]
