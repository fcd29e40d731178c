"""The state of a published event (« Reporté », « Reprogrammé », « Passé en ligne »,
« Complet »): `Event.schedule_status`, its message and when it changed. « Complet » replaces the
`is_full` boolean: every event marked full keeps that information as `schedule_status="full"`
(and back, if the migration is reversed)."""

from django.db import migrations, models


def full_to_status(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Event.objects.filter(is_full=True).update(schedule_status="full")


def status_to_full(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Event.objects.filter(schedule_status="full").update(is_full=True)


class Migration(migrations.Migration):
    dependencies = [("events", "0012_event_image")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="schedule_changed_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="état modifié le"
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="schedule_message",
            field=models.TextField(blank=True, editable=False, verbose_name="message sur l'état"),
        ),
        migrations.AddField(
            model_name="event",
            name="schedule_status",
            field=models.CharField(
                choices=[
                    ("scheduled", "Programmé"),
                    ("rescheduled", "Reprogrammé"),
                    ("moved_online", "Passé en ligne"),
                    ("postponed", "Reporté"),
                    ("full", "Complet"),
                ],
                default="scheduled",
                editable=False,
                max_length=16,
                verbose_name="état",
            ),
        ),
        migrations.RunPython(full_to_status, status_to_full, elidable=False),
        migrations.RemoveField(model_name="event", name="is_full"),
        migrations.AlterField(
            model_name="moderationlogentry",
            name="kind",
            field=models.CharField(
                choices=[
                    ("transition", "Changement de statut"),
                    ("edit", "Modification par la DITP"),
                    ("schedule", "Changement d'état (reporté, complet…)"),
                ],
                default="transition",
                max_length=16,
                verbose_name="nature",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "schedule_status__in",
                        ["scheduled", "rescheduled", "moved_online", "postponed", "full"],
                    )
                ),
                name="event_schedule_status_valid",
            ),
        ),
    ]
