"""The "Moderators" group with exactly the permissions moderation needs.

On a fresh database Django creates permissions after all migrations have run (post_migrate),
so they do not exist yet here: this migration first creates the content types and permissions
of every app, then the group. The list is a copy of accounts.moderators.MODERATOR_PERMISSIONS
as it was when this was written (a migration must not change when the code does).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATORS_GROUP = "Moderators"
MODERATOR_PERMISSIONS = (
    ("accounts", "view_user"),
    ("accounts", "suspend_member"),
    ("debate", "view_article"),
    ("debate", "change_article"),
    ("debate", "view_position"),
    ("debate", "add_position"),
    ("debate", "change_position"),
    ("debate", "view_topic"),
    ("debate", "view_post"),
    ("debate", "moderate_post"),
    ("debate", "view_postrevision"),
    ("debate", "view_report"),
    ("debate", "resolve_report"),
    ("debate", "view_reportedpost"),
    ("debate", "view_sympathyvote"),
    ("debate", "view_votechange"),
    ("debate", "view_moderationrecord"),
    ("debate", "view_moderationsettings"),
    ("debate", "change_moderationsettings"),
)


def create_moderators_group(apps, schema_editor):
    using = schema_editor.connection.alias
    for app_config in apps.get_app_configs():
        # The migration state's app configs have no models module; create_permissions skips
        # such apps unless told otherwise.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(using).get_or_create(name=MODERATORS_GROUP)
    permissions = []
    for app_label, codename in MODERATOR_PERMISSIONS:
        permissions.append(
            Permission.objects.using(using).get(
                content_type__app_label=app_label, codename=codename
            )
        )
    group.permissions.set(permissions)


def delete_moderators_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=MODERATORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0005_member_suspension"),
        ("debate", "0007_moderation_records_settings_and_local_edits"),
    ]

    operations = [migrations.RunPython(create_moderators_group, delete_moderators_group)]
