"""/api/v1/kb: articles, search and suggestions, quick replies, language check, dictionary."""

from __future__ import annotations

from ninja import Router, Status

from kefu.core.inputs import Id
from kefu.core.pagination import paginate
from kefu.knowledge import language, selectors, services
from kefu.knowledge.schemas import (
    ArticleCreateIn,
    ArticleDetailOut,
    ArticlePageOut,
    ArticleUpdateIn,
    AutoReplyOut,
    LanguageCheckIn,
    LanguageCheckOut,
    LanguageRuleIn,
    LanguageRuleOut,
    PhraseCreateIn,
    PhraseFilledOut,
    PhraseOut,
    PhrasePageOut,
    PhraseSetOut,
    PhraseSetSwitchIn,
    SearchOut,
    StatusCode,
    SuggestOut,
    SynonymIn,
    SynonymOut,
    VersionOut,
    WordIn,
    WordOut,
)

router = Router(tags=["knowledge"])


def _results(hits) -> list[dict]:
    return [{"id": h.id, "title": h.title, "score": h.score, "snippet": h.snippet} for h in hits]


def _detail(article):
    article.tag_names = [t.name for t in article.tags.all()]
    return article


@router.get("/articles", response=ArticlePageOut)
def article_list(
    request,
    status: StatusCode | None = None,
    category: Id | None = None,
    tag: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    qs = selectors.article_list_for(user=request.user, status=status, category=category, tag=tag)
    return paginate(qs, ordering="-id", cursor=cursor, limit=limit)


@router.post("/articles", response={201: ArticleDetailOut})
def article_create(request, payload: ArticleCreateIn):
    article = services.article_create_from_input(actor=request.user, **payload.dict())
    return Status(201, _detail(article))


@router.get("/articles/{article_id}", response=ArticleDetailOut)
def article_get(request, article_id: int):
    return _detail(selectors.article_get_for(user=request.user, pk=article_id))


@router.patch("/articles/{article_id}", response=ArticleDetailOut)
def article_update(request, article_id: int, payload: ArticleUpdateIn):
    article = selectors.article_get_for(user=request.user, pk=article_id)
    article = services.article_update_from_input(
        actor=request.user, article=article, **payload.dict()
    )
    return _detail(article)


@router.get(
    "/articles/{article_id}/versions",
    response=list[VersionOut],
    operation_id="article_version_list",
)
def article_versions(request, article_id: int):
    article = selectors.article_get_for(user=request.user, pk=article_id)
    return selectors.article_versions(article=article, user=request.user)


@router.get("/search", response=SearchOut, operation_id="kb_search")
def search(request, q: str, limit: int = 10, business_line: Id | None = None):
    hits = selectors.article_search_for(
        user=request.user, q=q, limit=limit, business_line=business_line
    )
    return {"results": _results(hits)}


@router.get("/suggest", response=SuggestOut, operation_id="kb_suggest")
def suggest(request, text: str):
    found = selectors.suggestions_for(user=request.user, text=text)
    return {"articles": _results(found["articles"]), "phrases": _results(found["phrases"])}


@router.get("/phrases", response=PhrasePageOut)
def phrase_list(
    request, category: str | None = None, cursor: str | None = None, limit: int | None = None
):
    qs = selectors.phrase_list_for(user=request.user, category=category)
    return paginate(qs, ordering="id", cursor=cursor, limit=limit)


@router.post("/phrases", response={201: PhraseOut})
def phrase_create(request, payload: PhraseCreateIn):
    return Status(201, services.phrase_create_from_input(actor=request.user, **payload.dict()))


@router.get("/phrases/shortcut", response=list[PhraseFilledOut])
def phrase_shortcut(request, typed: str = "", ticket: int | None = None):
    values = selectors.ticket_values_for(user=request.user, ticket_id=ticket)
    phrases = selectors.phrase_shortcut_for(user=request.user, typed=typed)
    return [
        {**PhraseOut.from_orm(p).dict(), "text": selectors.phrase_filled(phrase=p, values=values)}
        for p in phrases
    ]


@router.post("/phrases/{phrase_id}/use", response={204: None})
def phrase_use(request, phrase_id: int):
    phrase = selectors.phrase_get_for(user=request.user, pk=phrase_id)
    services.phrase_use(agent=request.user, phrase=phrase)
    return Status(204, None)


@router.post("/phrase-sets/{set_id}/switch", response=PhraseSetOut)
def phrase_set_switch(request, set_id: int, payload: PhraseSetSwitchIn):
    phrase_set = selectors.phrase_set_get_for(user=request.user, pk=set_id)
    return services.phrase_set_switch(actor=request.user, phrase_set=phrase_set, on=payload.on)


@router.post("/language/check", response=LanguageCheckOut)
def language_check(request, payload: LanguageCheckIn):
    if payload.record:
        findings = services.language_check_record(
            agent=request.user, text=payload.text, source=payload.source
        )
    else:
        findings = language.check(
            payload.text, services.language_rules(request.user.business_line_id)
        )
    return {
        "findings": [{**f.__dict__, "rule": f.rule_id} for f in findings],
        "polite": language.polite(payload.text, findings),
    }


@router.get("/language/rules", response=list[LanguageRuleOut], operation_id="language_rule_list")
def rule_list(request):
    return selectors.language_rules_for(user=request.user)


@router.post(
    "/language/rules", response={201: LanguageRuleOut}, operation_id="language_rule_create"
)
def rule_create(request, payload: LanguageRuleIn):
    return Status(201, services.language_rule_create(actor=request.user, **payload.dict()))


@router.get("/synonyms", response=list[SynonymOut])
def synonym_list(request):
    return selectors.synonym_groups()


@router.post("/synonyms", response={201: SynonymOut})
def synonym_create(request, payload: SynonymIn):
    return Status(201, services.synonym_group_save(actor=request.user, terms=payload.terms))


@router.post("/dictionary", response={201: WordOut}, operation_id="dictionary_word_add")
def word_add(request, payload: WordIn):
    return Status(201, services.dictionary_word_add(actor=request.user, word=payload.word))


@router.get("/auto-reply", response={200: AutoReplyOut, 204: None}, operation_id="auto_reply_get")
def auto_reply(request, channel: str):
    reply = selectors.auto_reply_for(
        business_line_id=request.user.business_line_id, channel=channel
    )
    return Status(200, reply) if reply else Status(204, None)
