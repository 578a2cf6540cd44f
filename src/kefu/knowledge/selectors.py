"""Every read of the knowledge base, scoped: an agent sees the published articles and active
phrases of their own business line; leads and above also drafts and archived articles; the
public sees published public articles of one line."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from kefu.accounts.models import BusinessLine
from kefu.core.errors import Invalid, NotFound
from kefu.core.scope import LEAD, at_least, business_line_q, is_admin
from kefu.knowledge import phrasing, search
from kefu.knowledge.models import (
    Article,
    ArticleCategory,
    ArticleStatus,
    ArticleVersion,
    Audience,
    AutoReply,
    AutoReplyKind,
    DictionaryWord,
    LanguageHit,
    LanguageRule,
    PhraseSet,
    QuickReply,
    QuickReplyUsage,
    SynonymGroup,
)

MAX_SEARCH_LIMIT = 50


def _int(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None


def visible_statuses(user) -> list[str]:
    if at_least(user, LEAD):
        return list(ArticleStatus.values)
    return [ArticleStatus.PUBLISHED]


def article_qs_for(user) -> QuerySet[Article]:
    return Article.objects.filter(business_line_q(user), status__in=visible_statuses(user))


def article_get_for(*, user, pk) -> Article:
    """One article in the user's scope (NotFound otherwise)."""
    article = (
        article_qs_for(user)
        .select_related("category", "owner", "business_line")
        .filter(pk=_int(pk))
        .first()
    )
    if article is None:
        raise NotFound()
    return article


def article_list_for(
    *, user, status: str | None = None, category: int | None = None, tag: str | None = None
) -> QuerySet[Article]:
    qs = (
        article_qs_for(user)
        .select_related("category", "owner")
        .only(
            "id",
            "slug",
            "title",
            "status",
            "audience",
            "version",
            "updated_at",
            "review_on",
            "business_line_id",
            "helpful_yes",
            "helpful_no",
            "category__name",
            "owner__username",
            "owner__display_name",
        )
    )
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category_id=category)
    if tag:
        qs = qs.filter(tags__name=tag)
    return qs


def _versions_for(user, article: Article):
    """The versions ``user`` may read: all for editors (leads and above); for agents only the
    ones whose text was published (a draft's text is never shown to them)."""
    qs = article.versions.all()
    if user is not None and not at_least(user, LEAD):
        qs = qs.filter(published=True)
    return qs


def article_versions(*, article: Article, user) -> list[ArticleVersion]:
    return list(_versions_for(user, article).select_related("editor").order_by("-number"))


def article_version_diff(*, article: Article, number: int, user) -> dict:
    """The change that version ``number`` made to the one before it (for an agent: the
    published version before it)."""
    number = _int(number)
    versions = {
        v.number: v
        for v in _versions_for(user, article).filter(number__lte=number).order_by("-number")[:2]
    }
    new = versions.get(number)
    if new is None:
        raise NotFound()
    old = next((v for n, v in versions.items() if n < number), None)
    return {
        "version": new,
        "previous": old,
        "title": phrasing.diff_parts(old.title if old else "", new.title),
        "body": phrasing.diff_parts(old.body if old else "", new.body),
    }


def categories_for(*, business_line_id: int) -> list[ArticleCategory]:
    return list(ArticleCategory.objects.filter(business_line_id=business_line_id))


def search_line_ids(user, business_line: int | None) -> list[int] | None:
    """The lines a user's search covers: their own; an administrator any one or all."""
    if is_admin(user):
        return [business_line] if business_line else None
    if not user.business_line_id:
        return []
    return [user.business_line_id]


def article_search_for(
    *, user, q: str, limit: int = 10, business_line: int | None = None
) -> list[search.Hit]:
    """Ranked articles for ``q`` within the user's scope."""
    if limit < 1 or limit > MAX_SEARCH_LIMIT:
        raise Invalid(fields={"limit": f"1–{MAX_SEARCH_LIMIT}"})
    lines = search_line_ids(user, business_line)
    if lines == []:
        return []
    return search.search_articles(
        q, line_ids=lines, statuses=[ArticleStatus.PUBLISHED], limit=limit
    )


# --- public help pages ---------------------------------------------------------------------------


def public_line_get(*, code: str) -> BusinessLine:
    line = BusinessLine.objects.filter(code=code, is_active=True).first()
    if line is None:
        raise NotFound()
    return line


def public_articles(*, line: BusinessLine) -> QuerySet[Article]:
    return Article.objects.filter(
        business_line=line, status=ArticleStatus.PUBLISHED, audience=Audience.PUBLIC
    ).select_related("category")


def public_article_get(*, line: BusinessLine, slug: str) -> Article:
    article = public_articles(line=line).filter(slug=slug).first()
    if article is None:
        raise NotFound()
    return article


def public_search(*, line: BusinessLine, q: str, limit: int = 20) -> list[search.Hit]:
    return search.search_articles(
        q,
        line_ids=[line.pk],
        statuses=[ArticleStatus.PUBLISHED],
        audiences=[Audience.PUBLIC],
        limit=limit,
    )


# --- quick replies -------------------------------------------------------------------------------


def _active_phrases(line_id) -> QuerySet[QuickReply]:
    return QuickReply.objects.filter(business_line_id=line_id, is_active=True).filter(
        Q(phrase_set__isnull=True) | Q(phrase_set__is_active=True)
    )


def phrase_qs_for(user) -> QuerySet[QuickReply]:
    """Phrases the user may use: the active ones of their line (editors: all of it)."""
    if at_least(user, LEAD):
        return QuickReply.objects.filter(business_line_q(user))
    if not user.business_line_id:
        return QuickReply.objects.none()
    return _active_phrases(user.business_line_id)


def phrase_get_for(*, user, pk) -> QuickReply:
    phrase = phrase_qs_for(user).select_related("phrase_set").filter(pk=_int(pk)).first()
    if phrase is None:
        raise NotFound()
    return phrase


def phrase_list_for(*, user, category: str | None = None) -> QuerySet[QuickReply]:
    qs = phrase_qs_for(user).select_related("phrase_set")
    if category:
        qs = qs.filter(category=category)
    return qs


def phrase_shortcut_for(*, user, typed: str, limit: int = 8) -> list[QuickReply]:
    """Phrases for what follows '/' in a reply box: shortcut prefix first, then shortcut, title
    or category containing it, ignoring case on every database (SQLite's LIKE ignores it,
    PostgreSQL's does not); phrases of a switched-on peak set before standard ones."""
    typed = (typed or "").strip().lstrip("/")
    if not user.business_line_id and not is_admin(user):
        return []
    qs = _active_phrases(user.business_line_id).select_related("phrase_set")
    if not typed:
        return list(qs.order_by("-use_count", "id")[:limit])
    prefix = list(
        qs.filter(shortcut__istartswith=typed).order_by("phrase_set_id", "shortcut")[:limit]
    )
    if len(prefix) < limit:
        more = (
            qs.filter(Q(shortcut__icontains=typed) | Q(title__icontains=typed) | Q(category=typed))
            .exclude(pk__in=[p.pk for p in prefix])
            .order_by("-use_count", "id")[: limit - len(prefix)]
        )
        prefix += list(more)
    prefix.sort(key=lambda p: p.phrase_set_id is None)
    return prefix


def ticket_variables(ticket) -> dict[str, str]:
    """The values a phrase's {变量} take from a ticket."""
    customer = getattr(ticket, "customer", None)
    order = getattr(ticket, "order", None)
    agent = getattr(ticket, "assignee", None) or getattr(ticket, "first_owner", None)
    return {
        "客户姓名": getattr(customer, "name", "") or "",
        "订单号": getattr(order, "order_no", "") or "",
        "工单号": getattr(ticket, "number", "") or "",
        "问题": getattr(ticket, "title", "") or "",
        "客服姓名": str(agent) if agent else "",
    }


def phrase_filled(*, phrase: QuickReply, values: dict[str, str]) -> str:
    return phrasing.fill(phrase.body, values)


def phrase_sets_for(*, user) -> QuerySet[PhraseSet]:
    return PhraseSet.objects.filter(business_line_q(user)).annotate(n=Count("phrases"))


def phrase_usage_by_agent(*, user, business_line_id: int | None = None) -> list[dict]:
    """Uses per agent and phrase in the user's line (leads and above)."""
    qs = QuickReplyUsage.objects.filter(business_line_q(user, "phrase__business_line_id"))
    if business_line_id:
        qs = qs.filter(phrase__business_line_id=business_line_id)
    return list(
        qs.values("agent_id", "agent__username", "phrase_id", "phrase__title", "count").order_by(
            "-count"
        )[:200]
    )


def suggestions_for(*, user, text: str, limit: int = 3) -> dict:
    """The top articles and phrases for the text an agent is writing."""
    if len((text or "").strip()) < 2:
        return {"articles": [], "phrases": []}
    articles = article_search_for(user=user, q=text[:300], limit=limit)
    phrases = []
    if user.business_line_id:
        phrases = search.search_phrases(text[:300], line_id=user.business_line_id, limit=limit)
    return {"articles": articles, "phrases": phrases}


# --- language hits, auto-replies -----------------------------------------------------------------


def language_hits_by_agent(*, user, since: dt.datetime | None = None) -> list[dict]:
    """Flagged phrases per agent of the user's scope (quality review)."""
    qs = LanguageHit.objects.filter(business_line_q(user))
    if since:
        qs = qs.filter(created_at__gte=since)
    return list(
        qs.values("agent_id", "agent__username", "agent__display_name")
        .annotate(hits=Count("id"), promises=Count("id", filter=Q(rule__kind="promise")))
        .order_by("-hits")[:200]
    )


def _within(t: dt.time, opens: dt.time, closes: dt.time) -> bool:
    if opens <= closes:
        return opens <= t < closes
    return t >= opens or t < closes  # hours across midnight


def auto_reply_for(*, business_line_id: int, channel: str, at: dt.datetime | None = None):
    """The auto-reply a customer on ``channel`` gets now: peak guidance while a peak reply is
    on, else the after-hours reply outside working hours, else the welcome, else None."""
    at = timezone.localtime(at or timezone.now())
    replies = {
        r.kind: r
        for r in AutoReply.objects.filter(
            business_line_id=business_line_id, channel=channel, is_active=True
        )
    }
    if AutoReplyKind.PEAK in replies:
        return replies[AutoReplyKind.PEAK]
    after = replies.get(AutoReplyKind.AFTER_HOURS)
    if (
        after
        and after.opens_at
        and after.closes_at
        and not _within(at.time(), after.opens_at, after.closes_at)
    ):
        return after
    return replies.get(AutoReplyKind.WELCOME)


def helpful_totals(*, business_line_id: int) -> dict:
    return Article.objects.filter(business_line_id=business_line_id).aggregate(
        yes=Sum("helpful_yes"), no=Sum("helpful_no")
    )


def ticket_values_for(*, user, ticket_id: int | None) -> dict[str, str]:
    """Variable values from a ticket in the user's scope (none without a ticket)."""
    if not ticket_id:
        return {"客服姓名": str(user)}
    from kefu.tickets.selectors import ticket_get_for

    ticket = ticket_get_for(user=user, pk=ticket_id)
    return {**ticket_variables(ticket), "客服姓名": str(user)}


def phrase_set_get_for(*, user, pk) -> PhraseSet:
    ps = PhraseSet.objects.filter(business_line_q(user), pk=_int(pk)).first()
    if ps is None:
        raise NotFound()
    return ps


def language_rules_for(*, user) -> QuerySet[LanguageRule]:
    """Rules for every line and the user's own line (administrators: all)."""
    qs = LanguageRule.objects.all()
    if not is_admin(user):
        qs = qs.filter(Q(business_line__isnull=True) | Q(business_line_id=user.business_line_id))
    return qs.order_by("id")


def synonym_groups() -> QuerySet[SynonymGroup]:
    return SynonymGroup.objects.order_by("id")


def dictionary_words() -> QuerySet[DictionaryWord]:
    return DictionaryWord.objects.order_by("word")
