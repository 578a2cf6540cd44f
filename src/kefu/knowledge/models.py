"""Knowledge base (spec §1.10 KB-1…7, CH-4, CH-7): FAQ articles with versions, quick replies
(快捷短语) with peak-period sets, the search dictionary, service-language rules and auto-replies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import TimestampedModel, VersionedModel


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Audience(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    PUBLIC = "public", _("Public")


class ArticleCategory(models.Model):
    """A node of a business line's FAQ category tree (e.g. 售后 › 退换货)."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="kb_categories",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=50)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("article category")
        verbose_name_plural = _("article categories")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_line", "parent", "name"], name="kb_category_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="kb_tags",
    )
    name = models.CharField(_("name"), max_length=30)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "name"], name="kb_tag_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Article(VersionedModel):
    """An FAQ article. ``search_text`` holds the jieba-segmented title, tags and body."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="articles",
    )
    category = models.ForeignKey(
        ArticleCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    slug = models.SlugField(_("slug"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.INTERNAL
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kb_articles",
    )
    review_on = models.DateField(_("review date"), null=True, blank=True)
    helpful_yes = models.PositiveIntegerField(_("helpful"), default=0)
    helpful_no = models.PositiveIntegerField(_("not helpful"), default=0)
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    search_grams = models.TextField(_("search bigrams"), blank=True, editable=False)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["business_line", "slug"], name="kb_article_unique_slug")
        ]
        indexes = [
            models.Index(fields=["business_line", "status", "-id"], name="kb_article_line_status"),
            models.Index(fields=["business_line", "-updated_at"], name="kb_article_line_updated"),
        ]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    """A snapshot of an article after each save (the version history and its diffs)."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    # the text was live for agents at some time (saved as, or later switched to, published);
    # agents' history and diffs show only these versions, never a draft's text
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class ArticleAttachment(TimestampedModel):
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="kb/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ArticleFeedback(TimestampedModel):
    """One 'was this helpful?' vote from a public reader (one per browser session and article)."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="feedback"
    )
    helpful = models.BooleanField(_("helpful"))
    session_key = models.CharField(_("session"), max_length=64)

    class Meta:
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "session_key"], name="kb_feedback_one_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {'+' if self.helpful else '-'}"


class PhraseSet(TimestampedModel):
    """A set of quick replies prepared in advance for an event (e.g. 双11) and switched on for it."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="phrase_sets",
    )
    name = models.CharField(_("name"), max_length=50)
    is_active = models.BooleanField(_("switched on"), default=False)

    class Meta:
        verbose_name = _("phrase set")
        verbose_name_plural = _("phrase sets")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_line", "name"], name="kb_phrase_set_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class QuickReply(TimestampedModel):
    """A quick phrase (快捷短语): category, shortcut (typed as /shortcut) and a body with
    {变量} placeholders filled from the ticket. Phrases in a phrase set show only while it is on."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="quick_replies",
    )
    phrase_set = models.ForeignKey(
        PhraseSet,
        verbose_name=_("phrase set"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="phrases",
    )
    category = models.CharField(_("category"), max_length=30)
    shortcut = models.CharField(_("shortcut"), max_length=30)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("active"), default=True)
    use_count = models.PositiveIntegerField(_("uses"), default=0)
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    class Meta:
        verbose_name = _("quick reply")
        verbose_name_plural = _("quick replies")
        ordering = ["category", "shortcut", "id"]
        indexes = [
            models.Index(fields=["business_line", "shortcut"], name="kb_phrase_line_shortcut")
        ]

    def __str__(self) -> str:
        return f"/{self.shortcut} {self.title}"


class QuickReplyUsage(models.Model):
    """How often one agent inserted one phrase (KB-1 usage counts per phrase and agent)."""

    phrase = models.ForeignKey(
        QuickReply, verbose_name=_("quick reply"), on_delete=models.CASCADE, related_name="usage"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    count = models.PositiveIntegerField(_("uses"), default=0)
    last_used_at = models.DateTimeField(_("last used"), auto_now=True)

    class Meta:
        verbose_name = _("quick reply usage")
        verbose_name_plural = _("quick reply usage")
        constraints = [
            models.UniqueConstraint(fields=["phrase", "agent"], name="kb_usage_one_per_agent")
        ]

    def __str__(self) -> str:
        return f"{self.phrase_id}/{self.agent_id}: {self.count}"


class DictionaryWord(TimestampedModel):
    """A word jieba must keep whole (业务词典), e.g. 七天无理由 or 物业费."""

    word = models.CharField(_("word"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("dictionary word")
        verbose_name_plural = _("dictionary words")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class SynonymGroup(TimestampedModel):
    """Words that mean the same to a customer (退钱 = 退款 = 返款); a query for one finds all."""

    terms = models.JSONField(_("terms"), default=list)

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")
        ordering = ["id"]

    def __str__(self) -> str:
        return " = ".join(self.terms)


class RuleKind(models.TextChoices):
    IMPROPER = "improper", _("Improper phrase")
    PROMISE = "promise", _("Forbidden promise")


class LanguageRule(TimestampedModel):
    """A service-language rule (CH-7, KB-2): a phrase to flag and the polite wording to offer.

    ``business_line`` empty means the rule applies to every line."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="language_rules",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RuleKind.choices)
    situation = models.CharField(_("situation"), max_length=30, blank=True)
    pattern = models.CharField(
        _("pattern"),
        max_length=200,
        help_text=_("The phrase to flag; a regular expression when “regular expression” is on."),
    )
    is_regex = models.BooleanField(_("regular expression"), default=False)
    description = models.CharField(
        _("description"),
        max_length=200,
        blank=True,
        help_text=_(
            "What the rule flags, in words; pages show it instead of a regular expression."
        ),
    )
    suggestion = models.CharField(_("polite wording"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("language rule")
        verbose_name_plural = _("language rules")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.pattern


class LanguageHit(models.Model):
    """A flagged phrase in a reply an agent sent (counted per agent for quality review)."""

    rule = models.ForeignKey(
        LanguageRule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="hits"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    excerpt = models.CharField(_("excerpt"), max_length=200)
    source = models.CharField(_("source"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("language hit")
        verbose_name_plural = _("language hits")
        ordering = ["-id"]
        indexes = [models.Index(fields=["agent", "-created_at"], name="kb_hit_agent_time")]

    def __str__(self) -> str:
        return f"{self.agent_id}: {self.excerpt}"


class AutoReplyKind(models.TextChoices):
    AFTER_HOURS = "after_hours", _("Outside working hours")
    PEAK = "peak", _("Peak-time guidance to self-service")
    WELCOME = "welcome", _("Welcome")


class AutoReply(TimestampedModel):
    """An automatic answer per channel (CH-4): outside working hours, or during a peak to guide
    customers with no question to self-service."""

    business_line = models.ForeignKey(
        "accounts.BusinessLine",
        verbose_name=_("business line"),
        on_delete=models.CASCADE,
        related_name="auto_replies",
    )
    channel = models.CharField(_("channel"), max_length=10)
    kind = models.CharField(_("kind"), max_length=12, choices=AutoReplyKind.choices)
    message = models.TextField(_("message"))
    opens_at = models.TimeField(_("working hours from"), null=True, blank=True)
    closes_at = models.TimeField(_("working hours until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("auto-reply")
        verbose_name_plural = _("auto-replies")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_line", "channel", "kind"], name="kb_auto_reply_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel}/{self.kind}"
