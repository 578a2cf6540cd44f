from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def mark_live_versions(apps, schema_editor):
    """Which old versions were ever published is not recorded; the newest version of each
    published article is its live text, so that one is marked. Older versions stay hidden
    from agents (their history starts at the live text), never showing a draft."""
    Article = apps.get_model("knowledge", "Article")
    ArticleVersion = apps.get_model("knowledge", "ArticleVersion")
    newest = (
        ArticleVersion.objects.filter(article_id=OuterRef("article_id"))
        .order_by("-number")
        .values("number")[:1]
    )
    ArticleVersion.objects.filter(
        article__in=Article.objects.filter(status="published"), number=Subquery(newest)
    ).update(published=True)


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0003_rule_description"),
    ]

    operations = [
        migrations.AddField(
            model_name="articleversion",
            name="published",
            field=models.BooleanField(default=False, verbose_name="published"),
        ),
        migrations.RunPython(mark_live_versions, migrations.RunPython.noop),
    ]
