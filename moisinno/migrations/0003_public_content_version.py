from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("moisinno", "PublicContentVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("moisinno", "0002_outgoing_email_headers")]

    operations = [
        migrations.CreateModel(
            name="PublicContentVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(default=1, verbose_name="version")),
            ],
            options={"verbose_name": "version du contenu public"},
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
