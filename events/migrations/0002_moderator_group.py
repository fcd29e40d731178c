"""The "Modérateur DITP" group: moderate events, edit organisations, labs, formats and themes."""

from django.db import migrations

GROUP_NAME = "Modérateur DITP"

PERMISSIONS = [
    ("events", "event", ["view_event", "change_event", "moderate_event"]),
    ("events", "eventsession", ["view_eventsession", "add_eventsession", "change_eventsession",
                                "delete_eventsession"]),
    ("events", "moderationlogentry", ["view_moderationlogentry"]),
    ("events", "edition", ["view_edition"]),
    ("events", "format", ["view_format", "add_format", "change_format"]),
    ("events", "theme", ["view_theme", "add_theme", "change_theme"]),
    ("organizers", "organization", ["view_organization", "add_organization",
                                    "change_organization"]),
    ("organizers", "membership", ["view_membership", "change_membership"]),
    ("labs", "lab", ["view_lab", "add_lab", "change_lab"]),
]


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    for app_label, model, codenames in PERMISSIONS:
        for codename in codenames:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, content_type__model=model, codename=codename
                )
            )


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0001_editions_events_sessions_moderation_log"),
        ("labs", "0001_labs"),
        ("organizers", "0001_organizations_and_memberships"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
