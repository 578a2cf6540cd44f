"""Every write of the knowledge base: articles and their versions, quick replies and phrase sets,
the search dictionary, service-language rules and auto-replies.

Who may write (spec §1.10): agents read and use; team leads and above edit articles and phrases
of their business line; administrators edit language rules and the dictionary.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kefu.core import audit, db
from kefu.core.errors import Invalid, NotFound, PermissionDenied, StaleWrite
from kefu.core.scope import LEAD, at_least, is_admin
from kefu.knowledge import language, search
from kefu.knowledge.models import (
    Article,
    ArticleAttachment,
    ArticleCategory,
    ArticleFeedback,
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
    RuleKind,
    SynonymGroup,
    Tag,
)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
TAG_SPLIT = re.compile(r"[,，、;；]+")
CATEGORY_SPLIT = re.compile(r"\s*[/›>]\s*")
CHANNELS = ("phone", "im", "email", "sms", "visit", "web", "letter", "api")


# --- permissions ---------------------------------------------------------------------------------


def can_edit(user, business_line_id: int | None) -> bool:
    """Leads and above of the line (administrators anywhere) edit its articles and phrases."""
    if is_admin(user):
        return True
    return (
        at_least(user, LEAD)
        and business_line_id is not None
        and user.business_line_id == business_line_id
    )


def require_editor(user, business_line_id: int | None) -> None:
    if not can_edit(user, business_line_id):
        raise PermissionDenied(_("Only team leads and above may edit the knowledge base."))


def require_admin(user) -> None:
    if not is_admin(user):
        raise PermissionDenied(_("Only administrators may edit language rules and the dictionary."))


# --- articles ------------------------------------------------------------------------------------


def split_tags(raw: str | Iterable[str]) -> list[str]:
    """Tags from '退款, 运费、时效' (commas, Chinese commas, 、) or a list; blanks and repeats
    dropped."""
    items = TAG_SPLIT.split(raw) if isinstance(raw, str) else list(raw)
    out: dict[str, None] = {}
    for t in items:
        t = (t or "").strip()
        if t:
            out.setdefault(t[:30], None)
    return list(out)


def category_get_or_create(*, business_line, path: str) -> ArticleCategory | None:
    """The category at ``path`` ('售后/退换货'), creating the missing nodes."""
    parent = None
    for name in [p for p in CATEGORY_SPLIT.split(path or "") if p.strip()]:
        parent, _created = ArticleCategory.objects.get_or_create(
            business_line=business_line, parent=parent, name=name.strip()[:50]
        )
    return parent


def _tags(business_line, names: list[str]) -> list[Tag]:
    existing = {t.name: t for t in Tag.objects.filter(business_line=business_line, name__in=names)}
    missing = [Tag(business_line=business_line, name=n) for n in names if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {
            t.name: t for t in Tag.objects.filter(business_line=business_line, name__in=names)
        }
    return [existing[n] for n in names if n in existing]


def _new_slug(business_line_id: int, title: str, slug: str | None) -> str:
    slug = (slug or "").strip()
    if slug:
        if not re.fullmatch(r"[-a-zA-Z0-9_]{1,80}", slug):
            raise Invalid(
                _("The slug uses letters, digits, hyphens and underscores only."),
                fields={"slug": _("Letters, digits, - and _ only.")},
            )
        if Article.objects.filter(business_line_id=business_line_id, slug=slug).exists():
            raise Invalid(_("An article with this slug exists."), fields={"slug": _("Taken.")})
        return slug
    base = slugify(title)[:60] or "kb"
    return f"{base}-{secrets.token_hex(4)}"


def _clean_article(title: str, body: str, status: str, audience: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    fields = {}
    if not title:
        fields["title"] = _("Enter a title.")
    elif len(title) > 200:
        fields["title"] = _("At most 200 characters.")
    if not body:
        fields["body"] = _("Enter the answer.")
    if status not in ArticleStatus.values:
        fields["status"] = _("Unknown status.")
    if audience not in Audience.values:
        fields["audience"] = _("Unknown audience.")
    if fields:
        raise Invalid(_("The article is not complete."), fields=fields)
    return title, body


@transaction.atomic
def article_create(
    *,
    actor,
    business_line,
    title: str,
    body: str,
    category: ArticleCategory | None = None,
    tags: str | Iterable[str] = (),
    status: str = ArticleStatus.DRAFT,
    audience: str = Audience.INTERNAL,
    owner=None,
    review_on: dt.date | None = None,
    slug: str | None = None,
) -> Article:
    """A new article and its version 1. The caller must be an editor of ``business_line``."""
    require_editor(actor, business_line.pk)
    title, body = _clean_article(title, body, status, audience)
    if category is not None and category.business_line_id != business_line.pk:
        raise Invalid(_("Unknown category."), fields={"category": _("Unknown value.")})
    article = Article.objects.create(
        business_line=business_line,
        category=category,
        slug=_new_slug(business_line.pk, title, slug),
        title=title,
        body=body,
        status=status,
        audience=audience,
        owner=owner if owner is not None else (actor if getattr(actor, "pk", None) else None),
        review_on=review_on,
    )
    article.tags.set(_tags(business_line, split_tags(tags)))
    ArticleVersion.objects.create(
        article=article,
        number=1,
        title=title,
        body=body,
        editor=actor,
        published=status == ArticleStatus.PUBLISHED,
    )
    search.load_dictionary()
    search.reindex_article(article)
    audit.record(actor=actor, action="kb.article.create", obj=article, changes={"title": title})
    return article


@transaction.atomic
def article_update(
    *,
    actor,
    article: Article,
    version: int,
    title: str,
    body: str,
    category: ArticleCategory | None,
    tags: str | Iterable[str],
    status: str,
    audience: str,
    review_on: dt.date | None = None,
    owner=None,
) -> Article:
    """Save a new version of ``article``; StaleWrite if someone saved since ``version``."""
    require_editor(actor, article.business_line_id)
    title, body = _clean_article(title, body, status, audience)
    if category is not None and category.business_line_id != article.business_line_id:
        raise Invalid(_("Unknown category."), fields={"category": _("Unknown value.")})
    before = {
        "title": article.title,
        "body": article.body,
        "status": article.status,
        "audience": article.audience,
    }
    changed = Article.objects.filter(pk=article.pk, version=version).update(
        title=title,
        body=body,
        category=category,
        status=status,
        audience=audience,
        review_on=review_on,
        owner=owner or article.owner,
        version=F("version") + 1,
    )
    if not changed:
        raise StaleWrite()
    article.refresh_from_db()
    article.tags.set(_tags(article.business_line, split_tags(tags)))
    if before["title"] != title or before["body"] != body:
        ArticleVersion.objects.create(
            article=article, number=article.version, title=title, body=body, editor=actor
        )
    if status == ArticleStatus.PUBLISHED:  # the newest text is now live: it may be shown
        latest = article.versions.order_by("-number").values("pk")[:1]
        ArticleVersion.objects.filter(pk__in=latest, published=False).update(published=True)
    search.load_dictionary()
    search.reindex_article(article)
    after = {"title": title, "body": body, "status": status, "audience": audience}
    audit.record(
        actor=actor, action="kb.article.update", obj=article, changes=audit.diff(before, after)
    )
    return article


@transaction.atomic
def article_attachment_add(*, actor, article: Article, upload) -> ArticleAttachment:
    """Attach an uploaded file (at most 10 MB) to an article."""
    require_editor(actor, article.business_line_id)
    if upload is None or not upload.size:
        raise Invalid(_("Choose a file."), fields={"file": _("Required.")})
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise Invalid(_("The file is larger than 10 MB."), fields={"file": _("Too large.")})
    name = (upload.name or "file")[-200:]
    att = ArticleAttachment(article=article, name=name, size=upload.size, uploaded_by=actor)
    att.file.save(name, upload, save=False)
    att.save()
    audit.record(actor=actor, action="kb.attachment.add", obj=article, changes={"file": name})
    return att


@transaction.atomic
def article_feedback(*, article: Article, helpful: bool, session_key: str) -> bool:
    """Count one 'was this helpful' vote per reader session; False if this session voted."""
    if not session_key:
        return False
    try:
        with transaction.atomic():
            ArticleFeedback.objects.create(
                article=article, helpful=helpful, session_key=session_key
            )
    except IntegrityError:
        return False
    counter = "helpful_yes" if helpful else "helpful_no"
    Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})
    return True


# --- import --------------------------------------------------------------------------------------

HEADERS = {
    "标题": "title",
    "title": "title",
    "内容": "body",
    "body": "body",
    "content": "body",
    "分类": "category",
    "category": "category",
    "标签": "tags",
    "tags": "tags",
    "状态": "status",
    "status": "status",
    "受众": "audience",
    "audience": "audience",
}
STATUS_WORDS = {"草稿": "draft", "已发布": "published", "发布": "published", "已归档": "archived"}
AUDIENCE_WORDS = {"内部": "internal", "公开": "public"}


class ImportRowError(Invalid):
    def __init__(self, row: int, reason: str):
        self.row = row
        self.reason = reason
        super().__init__(_("Row %(row)d: %(reason)s") % {"row": row, "reason": reason})


def parse_article_rows(rows: list[tuple]) -> list[dict]:
    """Validate a sheet (first row: headers) into article dicts; the first bad row raises
    ImportRowError with its spreadsheet row number. Nothing is written here."""
    if not rows:
        raise ImportRowError(1, _("the sheet is empty."))
    cols: dict[str, int] = {}
    for i, h in enumerate(rows[0]):
        key = HEADERS.get(str(h or "").strip().lower())
        if key and key not in cols:
            cols[key] = i
    missing = [h for h, k in (("标题", "title"), ("内容", "body")) if k not in cols]
    if missing:
        raise ImportRowError(1, _("missing column(s): %(cols)s.") % {"cols": ", ".join(missing)})
    out, seen = [], {}
    for n, row in enumerate(rows[1:], start=2):

        def cell(key, row=row):
            i = cols.get(key)
            v = row[i] if i is not None and i < len(row) else None
            return "" if v is None else str(v).strip()

        if not any(str(v or "").strip() for v in row):
            continue
        title, body = cell("title"), cell("body")
        if not title:
            raise ImportRowError(n, _("the title is empty."))
        if len(title) > 200:
            raise ImportRowError(n, _("the title is longer than 200 characters."))
        if not body:
            raise ImportRowError(n, _("the content is empty."))
        if title in seen:
            raise ImportRowError(n, _("the title repeats row %(row)d.") % {"row": seen[title]})
        seen[title] = n
        status = cell("status") or "published"
        status = STATUS_WORDS.get(status, status.lower())
        if status not in ArticleStatus.values:
            raise ImportRowError(n, _("unknown status “%(v)s”.") % {"v": cell("status")})
        audience = cell("audience") or "internal"
        audience = AUDIENCE_WORDS.get(audience, audience.lower())
        if audience not in Audience.values:
            raise ImportRowError(n, _("unknown audience “%(v)s”.") % {"v": cell("audience")})
        out.append(
            {
                "title": title,
                "body": body,
                "category": cell("category"),
                "tags": split_tags(cell("tags")),
                "status": status,
                "audience": audience,
            }
        )
    if not out:
        raise ImportRowError(2, _("there are no articles under the header row."))
    return out


@transaction.atomic
def articles_import(*, actor, business_line, items: list[dict]) -> dict:
    """Load parsed rows (see parse_article_rows) in bulk: new titles become articles, a title
    the line already has gets a new version. All or nothing."""
    if actor is not None:
        require_editor(actor, business_line.pk)
    # two imports of one file at once would each find no article by its titles and add both
    db.lock_key(f"kb-import:{business_line.pk}")
    search.load_dictionary()
    editor = actor if getattr(actor, "pk", None) else None
    cats = {
        path: category_get_or_create(business_line=business_line, path=path)
        for path in {i["category"] for i in items if i["category"]}
    }
    tags = {t.name: t for t in _tags(business_line, sorted({t for i in items for t in i["tags"]}))}
    existing = {
        a.title: a
        for a in Article.objects.filter(
            business_line=business_line, title__in=[i["title"] for i in items]
        )
    }
    new, updated = [], []
    for item in items:
        a = existing.get(item["title"])
        if a is None:
            a = Article(
                business_line=business_line,
                slug=_new_slug(business_line.pk, item["title"], item.get("slug")),
                title=item["title"],
                owner=editor,
            )
            new.append(a)
        else:
            a.version += 1
            updated.append(a)
        a.body, a.category = item["body"], cats.get(item["category"])
        a.status, a.audience = item["status"], item["audience"]
        a._tag_names = item["tags"]
    Article.objects.bulk_create(new, batch_size=500)
    Article.objects.bulk_update(
        updated, ["body", "category", "status", "audience", "version"], batch_size=500
    )
    every = new + updated
    through = Article.tags.through
    through.objects.filter(article__in=updated).delete()
    through.objects.bulk_create(
        [through(article_id=a.pk, tag_id=tags[t].pk) for a in every for t in a._tag_names],
        batch_size=1000,
    )
    ArticleVersion.objects.bulk_create(
        [
            ArticleVersion(
                article=a,
                number=a.version,
                title=a.title,
                body=a.body,
                editor=editor,
                published=a.status == ArticleStatus.PUBLISHED,
            )
            for a in every
        ],
        batch_size=500,
    )
    rows = []
    for a in every:
        cat = a.category.name if a.category else ""
        tw, bw, grams, text = search.article_fields(
            title=a.title, body=a.body, tags=a._tag_names, category=cat
        )
        a.search_text, a.search_grams = text, grams
        rows.append((a.pk, tw, bw, grams))
    Article.objects.bulk_update(every, ["search_text", "search_grams"], batch_size=500)
    search.index_articles(rows)
    audit.record(
        actor=editor,
        action="kb.article.import",
        business_line_id=business_line.pk,
        changes={"created": len(new), "updated": len(updated)},
    )
    return {"created": len(new), "updated": len(updated)}


# --- quick replies -------------------------------------------------------------------------------


def _clean_phrase(category: str, shortcut: str, title: str, body: str) -> dict:
    data = {
        "category": (category or "").strip(),
        "shortcut": (shortcut or "").strip().lstrip("/"),
        "title": (title or "").strip(),
        "body": (body or "").strip(),
    }
    fields = {}
    for key, limit in (("category", 30), ("shortcut", 30), ("title", 100)):
        if not data[key]:
            fields[key] = _("Required.")
        elif len(data[key]) > limit:
            fields[key] = _("At most %(n)d characters.") % {"n": limit}
    if data["shortcut"] and re.search(r"\s", data["shortcut"]):
        fields["shortcut"] = _("No spaces in a shortcut.")
    if not data["body"]:
        fields["body"] = _("Required.")
    if fields:
        raise Invalid(_("The quick reply is not complete."), fields=fields)
    return data


@transaction.atomic
def phrase_create(
    *,
    actor,
    business_line,
    category: str,
    shortcut: str,
    title: str,
    body: str,
    phrase_set: PhraseSet | None = None,
) -> QuickReply:
    """A quick reply of a line (or of one of its phrase sets)."""
    require_editor(actor, business_line.pk)
    data = _clean_phrase(category, shortcut, title, body)
    if phrase_set is not None and phrase_set.business_line_id != business_line.pk:
        raise Invalid(_("Unknown phrase set."), fields={"phrase_set": _("Unknown value.")})
    phrase = QuickReply.objects.create(business_line=business_line, phrase_set=phrase_set, **data)
    search.index_phrases([phrase])
    audit.record(actor=actor, action="kb.phrase.create", obj=phrase, changes=data)
    return phrase


@transaction.atomic
def phrase_update(
    *,
    actor,
    phrase: QuickReply,
    category: str,
    shortcut: str,
    title: str,
    body: str,
    is_active: bool = True,
) -> QuickReply:
    require_editor(actor, phrase.business_line_id)
    data = _clean_phrase(category, shortcut, title, body)
    before = {k: getattr(phrase, k) for k in [*data, "is_active"]}
    for k, v in {**data, "is_active": is_active}.items():
        setattr(phrase, k, v)
    phrase.save(update_fields=[*data, "is_active", "updated_at"])
    search.index_phrases([phrase])
    audit.record(
        actor=actor,
        action="kb.phrase.update",
        obj=phrase,
        changes=audit.diff(before, {**data, "is_active": is_active}),
    )
    return phrase


@transaction.atomic
def phrase_use(*, agent, phrase: QuickReply) -> None:
    """Count one insertion of ``phrase`` by ``agent`` (per phrase and per agent)."""
    QuickReply.objects.filter(pk=phrase.pk).update(use_count=F("use_count") + 1)
    usage, created = QuickReplyUsage.objects.get_or_create(
        phrase=phrase, agent=agent, defaults={"count": 1}
    )
    if not created:
        QuickReplyUsage.objects.filter(pk=usage.pk).update(count=F("count") + 1)


@transaction.atomic
def phrase_set_create(*, actor, business_line, name: str) -> PhraseSet:
    """A phrase set prepared ahead of an event (KB-1, KB-3); it starts switched off."""
    require_editor(actor, business_line.pk)
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Enter a name."), fields={"name": _("Required.")})
    if PhraseSet.objects.filter(business_line=business_line, name=name).exists():
        raise Invalid(_("A phrase set with this name exists."), fields={"name": _("Taken.")})
    ps = PhraseSet.objects.create(business_line=business_line, name=name[:50])
    audit.record(actor=actor, action="kb.phrase_set.create", obj=ps, changes={"name": name})
    return ps


@transaction.atomic
def phrase_set_switch(*, actor, phrase_set: PhraseSet, on: bool) -> PhraseSet:
    """Switch a phrase set on (its phrases show to every agent of the line) or off."""
    require_editor(actor, phrase_set.business_line_id)
    phrase_set.is_active = on
    phrase_set.save(update_fields=["is_active", "updated_at"])
    audit.record(actor=actor, action="kb.phrase_set.switch", obj=phrase_set, changes={"on": on})
    return phrase_set


# --- dictionary and synonyms (administrators) ----------------------------------------------------


def _enqueue_reindex(words: Iterable[str] = ()) -> None:
    """After the commit: rebuild the knowledge index, and cut again the other indexed text
    (tickets) that contains one of the changed ``words`` (core.search)."""
    from kefu.core.tasks import resegment_job
    from kefu.knowledge.tasks import reindex_knowledge

    search.forget_dictionary()
    changed = sorted({w for w in words if w})
    transaction.on_commit(lambda: reindex_knowledge())
    if changed:
        transaction.on_commit(lambda: resegment_job(changed))


@transaction.atomic
def dictionary_word_add(*, actor, word: str) -> DictionaryWord:
    """A word jieba keeps whole from now on; the index is rebuilt in the background."""
    require_admin(actor)
    word = (word or "").strip()
    if not word or len(word) > 30 or re.search(r"\s", word):
        raise Invalid(_("Enter one word without spaces."), fields={"word": _("Not valid.")})
    obj, _created = DictionaryWord.objects.get_or_create(word=word)
    audit.record(actor=actor, action="kb.dictionary.add", obj=obj, changes={"word": word})
    _enqueue_reindex([word])
    return obj


@transaction.atomic
def dictionary_word_remove(*, actor, word_id: int) -> None:
    require_admin(actor)
    obj = DictionaryWord.objects.filter(pk=word_id).first()
    if obj is None:
        raise NotFound()
    audit.record(actor=actor, action="kb.dictionary.remove", obj=obj, changes={"word": obj.word})
    obj.delete()
    _enqueue_reindex([obj.word])


@transaction.atomic
def synonym_group_save(
    *, actor, terms: str | Iterable[str], group: SynonymGroup | None = None
) -> SynonymGroup:
    """Create or replace a group of equivalent words ('退钱, 退款, 返款')."""
    require_admin(actor)
    items = split_tags(terms) if isinstance(terms, str) else split_tags(list(terms))
    items = [t for t in items if not re.search(r"\s", t)]
    if len(items) < 2:
        raise Invalid(
            _("A synonym group needs at least two words."), fields={"terms": _("Too few.")}
        )
    before = list(group.terms or []) if group is not None else []
    if group is None:
        group = SynonymGroup.objects.create(terms=items)
    else:
        group.terms = items
        group.save(update_fields=["terms", "updated_at"])
    audit.record(actor=actor, action="kb.synonyms.save", obj=group, changes={"terms": items})
    _enqueue_reindex([*before, *items])
    return group


@transaction.atomic
def synonym_group_delete(*, actor, group_id: int) -> None:
    require_admin(actor)
    group = SynonymGroup.objects.filter(pk=group_id).first()
    if group is None:
        raise NotFound()
    audit.record(
        actor=actor, action="kb.synonyms.delete", obj=group, changes={"terms": group.terms}
    )
    group.delete()
    _enqueue_reindex(group.terms or [])


def search_reindex(*, business_line_id: int | None = None, batch: int = 500) -> int:
    """Recompute the search text of every article and phrase (after a dictionary change).

    Runs in batches of ``batch`` articles so memory stays flat on large bases."""
    search.load_dictionary(force=True)
    qs = Article.objects.order_by("pk").select_related("category").prefetch_related("tags")
    if business_line_id is not None:
        qs = qs.filter(business_line_id=business_line_id)
    count, last = 0, 0
    while True:
        chunk = list(qs.filter(pk__gt=last)[:batch])
        if not chunk:
            break
        rows = []
        with transaction.atomic():
            for a in chunk:
                tw, bw, grams, text = search.article_fields(
                    title=a.title,
                    body=a.body,
                    tags=[t.name for t in a.tags.all()],
                    category=a.category.name if a.category else "",
                )
                a.search_text, a.search_grams = text, grams
                rows.append((a.pk, tw, bw, grams))
            Article.objects.bulk_update(chunk, ["search_text", "search_grams"])
            search.index_articles(rows)
        count += len(chunk)
        last = chunk[-1].pk
    phrases = QuickReply.objects.all()
    if business_line_id is not None:
        phrases = phrases.filter(business_line_id=business_line_id)
    with transaction.atomic():
        search.index_phrases(list(phrases))
    return count


# --- service language (CH-7, KB-2) ---------------------------------------------------------------


def _clean_rule(
    kind: str, pattern: str, is_regex: bool, suggestion: str, situation: str, description: str = ""
) -> dict:
    pattern, suggestion = (pattern or "").strip(), (suggestion or "").strip()
    fields = {}
    if kind not in RuleKind.values:
        fields["kind"] = _("Unknown value.")
    problem = language.pattern_error(pattern, is_regex)
    if problem:
        fields["pattern"] = _("This pattern cannot be used: %(why)s") % {"why": problem}
    if kind == RuleKind.IMPROPER and not suggestion:
        fields["suggestion"] = _("Give the polite wording to offer.")
    if fields:
        raise Invalid(_("The rule is not valid."), fields=fields)
    return {
        "kind": kind,
        "pattern": pattern[:200],
        "is_regex": is_regex,
        "suggestion": suggestion[:200],
        "situation": (situation or "").strip()[:30],
        "description": (description or "").strip()[:200],
    }


@transaction.atomic
def language_rule_create(
    *,
    actor,
    kind: str,
    pattern: str,
    suggestion: str = "",
    is_regex: bool = False,
    situation: str = "",
    description: str = "",
    business_line=None,
) -> LanguageRule:
    """A service-language rule (administrators). ``description`` says in words what a regular
    expression flags; pages show it instead of the pattern."""
    require_admin(actor)
    data = _clean_rule(kind, pattern, is_regex, suggestion, situation, description)
    rule = LanguageRule.objects.create(business_line=business_line, **data)
    audit.record(actor=actor, action="kb.rule.create", obj=rule, changes=data)
    return rule


@transaction.atomic
def language_rule_update(
    *,
    actor,
    rule: LanguageRule,
    kind: str,
    pattern: str,
    suggestion: str,
    is_regex: bool,
    situation: str,
    is_active: bool,
    description: str | None = None,
) -> LanguageRule:
    require_admin(actor)
    if description is None:
        description = rule.description
    data = {
        **_clean_rule(kind, pattern, is_regex, suggestion, situation, description),
        "is_active": is_active,
    }
    before = {k: getattr(rule, k) for k in data}
    for k, v in data.items():
        setattr(rule, k, v)
    rule.save(update_fields=[*data, "updated_at"])
    audit.record(actor=actor, action="kb.rule.update", obj=rule, changes=audit.diff(before, data))
    return rule


def language_rules(business_line_id: int | None) -> list[language.Rule]:
    """Active rules for a line: its own and the ones for every line."""
    from django.db.models import Q

    qs = LanguageRule.objects.filter(is_active=True).filter(
        Q(business_line__isnull=True) | Q(business_line_id=business_line_id)
    )
    return [
        language.Rule(r.pk, r.kind, r.pattern, r.suggestion, r.is_regex, r.situation)
        for r in qs.order_by("id")
    ]


@transaction.atomic
def language_check_record(*, agent, text: str, source: str = "") -> list[language.Finding]:
    """Check a reply the agent sends and count every finding against the agent (quality
    review). The live check in the editor does not count: only what is sent."""
    findings = language.check(text, language_rules(agent.business_line_id))
    LanguageHit.objects.bulk_create(
        [
            LanguageHit(
                rule_id=f.rule_id,
                agent=agent,
                business_line_id=agent.business_line_id,
                excerpt=text[max(0, f.start - 20) : f.end + 20][:200],
                source=source[:40],
            )
            for f in findings
        ]
    )
    return findings


# --- auto-replies (CH-4) -------------------------------------------------------------------------


@transaction.atomic
def auto_reply_save(
    *,
    actor,
    business_line,
    channel: str,
    kind: str,
    message: str,
    opens_at: dt.time | None = None,
    closes_at: dt.time | None = None,
    is_active: bool = True,
) -> AutoReply:
    """Set the auto-reply of one kind on one channel of a line (leads and above)."""
    require_editor(actor, business_line.pk)
    message = (message or "").strip()
    fields = {}
    if channel not in CHANNELS:
        fields["channel"] = _("Unknown value.")
    if kind not in AutoReplyKind.values:
        fields["kind"] = _("Unknown value.")
    if not message:
        fields["message"] = _("Required.")
    if kind == AutoReplyKind.AFTER_HOURS and (opens_at is None or closes_at is None):
        fields["opens_at"] = _("Give the working hours.")
    if fields:
        raise Invalid(_("The auto-reply is not complete."), fields=fields)
    obj, _created = AutoReply.objects.update_or_create(
        business_line=business_line,
        channel=channel,
        kind=kind,
        defaults={
            "message": message,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "is_active": is_active,
        },
    )
    audit.record(
        actor=actor,
        action="kb.auto_reply.save",
        obj=obj,
        changes={"channel": channel, "kind": kind},
    )
    return obj


# --- input adapters (API and pages): resolve ids and paths, then call the services above ----


def line_for_user(actor, business_line_id: int | None):
    from kefu.accounts.models import BusinessLine

    line_id = business_line_id if (business_line_id and is_admin(actor)) else None
    line_id = line_id or actor.business_line_id
    line = BusinessLine.objects.filter(pk=line_id).first() if line_id else None
    if line is None:
        raise Invalid(_("Choose a business line."), fields={"business_line": _("Required.")})
    return line


@transaction.atomic
def article_create_from_input(
    *, actor, business_line: int | None = None, category: str = "", **fields
) -> Article:
    line = line_for_user(actor, business_line)
    require_editor(actor, line.pk)
    cat = category_get_or_create(business_line=line, path=category) if category else None
    return article_create(actor=actor, business_line=line, category=cat, **fields)


@transaction.atomic
def article_update_from_input(*, actor, article: Article, category: str = "", **fields) -> Article:
    require_editor(actor, article.business_line_id)
    cat = (
        category_get_or_create(business_line=article.business_line, path=category)
        if category
        else None
    )
    return article_update(actor=actor, article=article, category=cat, **fields)


@transaction.atomic
def phrase_create_from_input(
    *, actor, phrase_set: int | None = None, business_line: int | None = None, **fields
) -> QuickReply:
    line = line_for_user(actor, business_line)
    ps = None
    if phrase_set:
        ps = PhraseSet.objects.filter(pk=phrase_set, business_line=line).first()
        if ps is None:
            raise Invalid(_("Unknown phrase set."), fields={"phrase_set": _("Unknown value.")})
    return phrase_create(actor=actor, business_line=line, phrase_set=ps, **fields)
