"""Ninja schemas of the knowledge API: one In/Out shape per purpose, never shared."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from kefu.core.api_contract import code
from kefu.knowledge.models import ArticleStatus, Audience, AutoReplyKind, RuleKind

StatusCode = code(ArticleStatus)
AudienceCode = code(Audience)
RuleKindCode = code(RuleKind)
AutoReplyKindCode = code(AutoReplyKind)


class ArticleOut(Schema):
    id: int
    slug: str
    title: str
    status: StatusCode
    audience: AudienceCode
    version: int
    business_line: int = Field(..., alias="business_line_id")
    category: int | None = Field(None, alias="category_id")
    review_on: dt.date | None
    updated_at: dt.datetime
    helpful_yes: int
    helpful_no: int


class ArticleDetailOut(ArticleOut):
    body: str
    tags: list[str] = Field(..., alias="tag_names")


class ArticlePageOut(Schema):
    items: list[ArticleOut]
    next: str | None


class ArticleCreateIn(Schema):
    title: str = Field(..., max_length=200)
    body: str
    category: str = Field("", description="path such as 售后/退换货; created when missing")
    tags: list[str] = []
    status: StatusCode = "draft"
    audience: AudienceCode = "internal"
    review_on: dt.date | None = None
    slug: str | None = None
    business_line: int | None = Field(None, description="administrators only; default: yours")


class ArticleUpdateIn(Schema):
    version: int
    title: str = Field(..., max_length=200)
    body: str
    category: str = ""
    tags: list[str] = []
    status: StatusCode
    audience: AudienceCode
    review_on: dt.date | None = None


class VersionOut(Schema):
    number: int
    title: str
    body: str
    editor: int | None = Field(None, alias="editor_id")
    created_at: dt.datetime


class SearchResultOut(Schema):
    id: int
    title: str
    score: float
    snippet: str = Field(..., description="HTML-escaped text with <mark> around the hits")


class SearchOut(Schema):
    results: list[SearchResultOut]


class PhraseOut(Schema):
    id: int
    category: str
    shortcut: str
    title: str
    body: str
    phrase_set: int | None = Field(None, alias="phrase_set_id")
    is_active: bool
    use_count: int


class PhraseFilledOut(PhraseOut):
    text: str = Field(..., description="the body with {变量} filled from the ticket")


class PhrasePageOut(Schema):
    items: list[PhraseOut]
    next: str | None


class PhraseCreateIn(Schema):
    category: str
    shortcut: str
    title: str
    body: str
    phrase_set: int | None = None


class SuggestOut(Schema):
    articles: list[SearchResultOut]
    phrases: list[SearchResultOut]


class PhraseSetSwitchIn(Schema):
    on: bool


class PhraseSetOut(Schema):
    id: int
    name: str
    is_active: bool


class LanguageCheckIn(Schema):
    text: str = Field(..., max_length=5000)
    record: bool = Field(False, description="count the findings against you (when sending)")
    source: str = ""


class FindingOut(Schema):
    rule: int
    kind: RuleKindCode
    start: int
    end: int
    text: str
    suggestion: str
    situation: str


class LanguageCheckOut(Schema):
    findings: list[FindingOut]
    polite: str


class LanguageRuleIn(Schema):
    kind: RuleKindCode
    pattern: str
    suggestion: str = ""
    is_regex: bool = False
    situation: str = ""
    description: str = ""


class LanguageRuleOut(Schema):
    """A language rule (禁用语, 敏感词 …) the reply check applies."""

    id: int
    kind: RuleKindCode
    pattern: str
    suggestion: str
    is_regex: bool
    situation: str
    description: str
    is_active: bool


class SynonymIn(Schema):
    terms: list[str]


class SynonymOut(Schema):
    id: int
    terms: list[str]


class WordIn(Schema):
    word: str


class WordOut(Schema):
    id: int
    word: str


class AutoReplyOut(Schema):
    channel: str
    kind: AutoReplyKindCode
    message: str
