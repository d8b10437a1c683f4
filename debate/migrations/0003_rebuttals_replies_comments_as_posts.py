"""Rebuttals become posts of three kinds (rebuttal, reply, comment) in threads, with edit
history, reports and counters. Existing rebuttals keep their rows and ids."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_article_and_counts(apps, schema_editor):
    Post = apps.get_model("debate", "Post")
    Position = apps.get_model("debate", "Position")
    PostCount = apps.get_model("debate", "PostCount")
    Post.objects.update(
        article_id=Subquery(
            Position.objects.filter(pk=OuterRef("position_id")).values("article_id")[:1]
        )
    )
    counts = (
        Post.objects.filter(status="published", kind="rebuttal")
        .values("article_id", "position_id")
        .annotate(n=models.Count("id"))
        .order_by()
    )
    PostCount.objects.bulk_create(
        PostCount(article_id=row["article_id"], position_id=row["position_id"], published=row["n"])
        for row in counts
    )


class Migration(migrations.Migration):
    dependencies = [
        ("debate", "0002_position_slug_not_reserved"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="rebuttal", name="rebuttal_status_valid"),
        migrations.RemoveIndex(model_name="rebuttal", name="rebuttal_list_idx"),
        migrations.RemoveIndex(model_name="rebuttal", name="rebuttal_author_idx"),
        migrations.RenameModel(old_name="Rebuttal", new_name="Post"),
        migrations.AddField(
            model_name="post",
            name="kind",
            field=models.CharField(
                choices=[("rebuttal", "Rebuttal"), ("reply", "Reply"), ("comment", "Comment")],
                default="rebuttal",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="post",
            name="article",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="posts",
                to="debate.article",
            ),
        ),
        migrations.AddField(
            model_name="post",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="replies",
                to="debate.post",
            ),
        ),
        migrations.AddField(
            model_name="post",
            name="root",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="thread_replies",
                to="debate.post",
            ),
        ),
        migrations.AddField(
            model_name="post", name="depth", field=models.PositiveSmallIntegerField(default=0)
        ),
        migrations.AddField(
            model_name="post",
            name="status_changed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="post", name="deleted_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="post",
            name="reply_count",
            field=models.PositiveIntegerField(default=0, help_text="Published direct replies."),
        ),
        migrations.AddField(
            model_name="post",
            name="thread_reply_count",
            field=models.PositiveIntegerField(
                default=0,
                help_text="Published replies anywhere in the thread (rebuttals and comments).",
            ),
        ),
        migrations.AddField(
            model_name="post",
            name="report_count",
            field=models.PositiveIntegerField(default=0, help_text="Open reports."),
        ),
        migrations.AlterField(
            model_name="post",
            name="author",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="posts",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="post",
            name="position",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="rebuttals",
                to="debate.position",
            ),
        ),
        migrations.AlterField(
            model_name="post",
            name="status",
            field=models.CharField(
                choices=[
                    ("published", "Published"),
                    ("pending", "Pending review"),
                    ("held", "Hidden pending review"),
                    ("hidden", "Hidden by a moderator"),
                    ("removed", "Removed by a moderator"),
                    ("deleted", "Deleted by the author"),
                ],
                default="published",
                max_length=12,
            ),
        ),
        migrations.AlterField(
            model_name="post",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.CreateModel(
            name="PostCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("published", models.PositiveIntegerField(default=0)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="post_counts",
                        to="debate.article",
                    ),
                ),
                (
                    "position",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="debate.position",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("position__isnull", False)),
                        fields=("article", "position"),
                        name="post_count_per_side",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("position__isnull", True)),
                        fields=("article",),
                        name="post_count_of_comments",
                    ),
                ],
            },
        ),
        migrations.RunPython(fill_article_and_counts, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="post",
            name="article",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="posts",
                to="debate.article",
            ),
        ),
        migrations.AddConstraint(
            model_name="post",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "status__in",
                        ["published", "pending", "held", "hidden", "removed", "deleted"],
                    )
                ),
                name="post_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="post",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["rebuttal", "reply", "comment"])),
                name="post_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="post",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "rebuttal"), ("position__isnull", False)),
                    models.Q(models.Q(("kind", "rebuttal"), _negated=True), ("position__isnull", True)),
                    _connector="OR",
                ),
                name="post_position_iff_rebuttal",
            ),
        ),
        migrations.AddConstraint(
            model_name="post",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("depth__gte", 1),
                        ("depth__lte", 3),
                        ("kind", "reply"),
                        ("parent__isnull", False),
                        ("root__isnull", False),
                    ),
                    models.Q(
                        models.Q(("kind", "reply"), _negated=True),
                        ("depth", 0),
                        ("parent__isnull", True),
                        ("root__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="post_thread_shape",
            ),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(fields=["position", "-id"], name="post_side_idx"),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(fields=["article", "kind", "-id"], name="post_article_kind_idx"),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(fields=["root", "id"], name="post_thread_idx"),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(fields=["author", "-created_at"], name="post_author_idx"),
        ),
        migrations.CreateModel(
            name="PostRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("body_md", models.TextField(verbose_name="body (markdown)")),
                (
                    "written_at",
                    models.DateTimeField(help_text="When this text was posted or last edited."),
                ),
                ("replaced_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "post",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revisions",
                        to="debate.post",
                    ),
                ),
            ],
            options={"ordering": ["post", "replaced_at", "id"]},
        ),
        migrations.CreateModel(
            name="Report",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("spam", "Spam"),
                            ("abuse", "Abuse"),
                            ("off-topic", "Off-topic"),
                            ("other", "Other"),
                        ],
                        max_length=10,
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=500)),
                (
                    "state",
                    models.CharField(
                        choices=[("open", "Open"), ("resolved", "Resolved")],
                        default="open",
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                (
                    "post",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reports",
                        to="debate.post",
                    ),
                ),
                (
                    "reporter",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reports",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["state", "post"], name="report_queue_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("post", "reporter"), name="one_report_per_member"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("reason__in", ["spam", "abuse", "off-topic", "other"])),
                        name="report_reason_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("state__in", ["open", "resolved"])),
                        name="report_state_valid",
                    ),
                ],
            },
        ),
    ]
