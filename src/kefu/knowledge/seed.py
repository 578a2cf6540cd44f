"""Load the demo knowledge base into a business line (called by the demo builder and bench/)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from kefu.knowledge import demo_data, search
from kefu.knowledge.models import (
    AutoReply,
    DictionaryWord,
    LanguageRule,
    PhraseSet,
    QuickReply,
    RuleKind,
    SynonymGroup,
)
from kefu.knowledge.services import articles_import


def _time(value: str | None) -> dt.time | None:
    return dt.time.fromisoformat(value) if value else None


@transaction.atomic
def seed_shared() -> None:
    """The dictionary, synonyms and CH-7 / KB-2 language rules (shared by every line); once."""
    DictionaryWord.objects.bulk_create(
        [DictionaryWord(word=w) for w in demo_data.DICTIONARY], ignore_conflicts=True
    )
    if not SynonymGroup.objects.exists():
        SynonymGroup.objects.bulk_create([SynonymGroup(terms=g) for g in demo_data.SYNONYMS])
    if not LanguageRule.objects.filter(business_line__isnull=True).exists():
        rules = [
            LanguageRule(
                kind=RuleKind.IMPROPER,
                situation=situation,
                pattern=pattern,
                suggestion=polite,
                is_regex=is_regex,
                description=demo_data.RULE_DESCRIPTIONS.get(pattern, "") if is_regex else "",
            )
            for situation, pattern, polite, is_regex in demo_data.LANGUAGE_RULES
        ]
        rules += [
            LanguageRule(
                kind=RuleKind.PROMISE,
                situation=situation,
                pattern=pattern,
                is_regex=True,
                description=demo_data.RULE_DESCRIPTIONS.get(pattern, ""),
            )
            for situation, pattern in demo_data.PROMISE_RULES
        ]
        LanguageRule.objects.bulk_create(rules)
    search.forget_dictionary()
    search.load_dictionary(force=True)


@transaction.atomic
def seed_demo_knowledge(business_line) -> dict:
    """FAQ articles, quick replies (with a 双11 peak set, off), auto-replies and the shared
    dictionary and language rules for ``business_line``, by its industry. Safe to run twice."""
    seed_shared()
    articles = demo_data.ARTICLES_BY_INDUSTRY.get(business_line.industry, [])
    result = {"created": 0, "updated": 0}
    if articles:
        items = [
            {
                "slug": slug,
                "category": category,
                "title": title,
                "tags": [t for t in tags.split(",") if t],
                "body": body,
                "status": "published",
                "audience": audience,
            }
            for slug, category, title, tags, body, audience in articles
        ]
        result = articles_import(actor=None, business_line=business_line, items=items)
    phrases = []
    if not QuickReply.objects.filter(business_line=business_line).exists():
        for category, shortcut, title, body in demo_data.PHRASES_BY_INDUSTRY.get(
            business_line.industry, []
        ):
            phrases.append(
                QuickReply(
                    business_line=business_line,
                    category=category,
                    shortcut=shortcut,
                    title=title,
                    body=body,
                )
            )
        if business_line.industry == "ecommerce":
            peak = PhraseSet.objects.create(business_line=business_line, name="双11大促")
            phrases += [
                QuickReply(
                    business_line=business_line,
                    phrase_set=peak,
                    category=category,
                    shortcut=shortcut,
                    title=title,
                    body=body,
                )
                for category, shortcut, title, body in demo_data.SHOP_PEAK_PHRASES
            ]
        QuickReply.objects.bulk_create(phrases)
        search.index_phrases(phrases)
    if not AutoReply.objects.filter(business_line=business_line).exists():
        replies = [
            AutoReply(
                business_line=business_line,
                channel=channel,
                kind=kind,
                message=message,
                opens_at=_time(opens),
                closes_at=_time(closes),
            )
            for channel, kind, message, opens, closes in demo_data.AUTO_REPLIES
        ]
        channel, message = demo_data.PEAK_AUTO_REPLY
        replies.append(
            AutoReply(
                business_line=business_line,
                channel=channel,
                kind="peak",
                message=message,
                is_active=False,
            )
        )
        AutoReply.objects.bulk_create(replies)
    return {"articles": result, "phrases": len(phrases)}
