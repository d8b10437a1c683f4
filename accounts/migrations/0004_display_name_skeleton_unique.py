"""No two members whose display names read alike: a unique index on the name's skeleton.

The skeleton (accounts.models.skeleton, copied below as it was when this migration was
written) sets aside case, the separators - _ . and spaces, and reads 0 as o and 1 as l. If
members already have names that read alike, this migration stops and lists them rather than
guessing whom to rename: rename all but one of each group (in the admin or the shell), then run
`migrate` again. Names the new reserved words would refuse are kept; the rule applies when a
member chooses a name.
"""

from collections import defaultdict

import django.db.models.functions.text
from django.core.management.base import CommandError
from django.db import migrations, models

SKELETON_FOLDS = (("-", ""), ("_", ""), (".", ""), (" ", ""), ("0", "o"), ("1", "l"))


def skeleton(name):
    folded = name.casefold()
    for old, new in SKELETON_FOLDS:
        folded = folded.replace(old, new)
    return folded


def refuse_lookalike_names(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    by_skeleton = defaultdict(list)
    members = User.objects.using(schema_editor.connection.alias).order_by("pk")
    for pk, name in members.values_list("pk", "display_name"):
        by_skeleton[skeleton(name)].append(f"{name!r} (id {pk})")
    groups = [names for names in by_skeleton.values() if len(names) > 1]
    if groups:
        lines = "\n".join(f"  {', '.join(names)}" for names in groups)
        raise CommandError(
            f"{len(groups)} group(s) of members have display names that read alike:\n{lines}\n"
            "Rename all but one member of each group (in the admin or the shell), then run "
            "migrate again. Nothing was changed."
        )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_display_name_at_least_three_characters'),
    ]

    operations = [
        migrations.RunPython(refuse_lookalike_names, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='user',
            name='accounts_user_display_name_ci_unique',
        ),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Replace(django.db.models.functions.text.Replace(django.db.models.functions.text.Replace(django.db.models.functions.text.Replace(django.db.models.functions.text.Replace(django.db.models.functions.text.Replace(django.db.models.functions.text.Lower('display_name'), models.Value('-'), models.Value('')), models.Value('_'), models.Value('')), models.Value('.'), models.Value('')), models.Value(' '), models.Value('')), models.Value('0'), models.Value('o')), models.Value('1'), models.Value('l')), name='accounts_user_display_name_skeleton_unique', violation_error_message='That display name is taken, or looks too much like one that is. Please choose another.'),
        ),
    ]
