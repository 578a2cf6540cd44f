"""Knowledge pages: articles, quick replies, the reply assistant (suggestions, /shortcuts,
language check), language rules, dictionary; and the public help pages (no login)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.cli import UsageError
from kefu.core.errors import DomainError, Invalid, NotFound, PermissionDenied
from kefu.core.idempotency import once
from kefu.core.pagination import paginate
from kefu.core.scope import LEAD, at_least, is_admin
from kefu.knowledge import language, selectors, services, xlsx
from kefu.knowledge.forms import (
    ArticleForm,
    ImportForm,
    PhraseForm,
    RuleForm,
    SynonymForm,
    WordForm,
)

PUBLIC_PAGE = 20


def kb_view(view):
    """Signed in; NotFound → 404 page and PermissionDenied → 403 page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc.message)) from None
        except NotFound:
            raise Http404() from None

    return wrapper


def _partial(request, full: str, fragment: str, context: dict):
    return render(request, fragment if request.htmx else full, context)


# --- articles ------------------------------------------------------------------------------------


@kb_view
def article_list(request):
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status") or None
    context = {"q": q, "status": status, "can_edit": at_least(request.user, LEAD)}
    if q:
        context["hits"] = selectors.article_search_for(user=request.user, q=q, limit=20)
    else:
        page = paginate(
            selectors.article_list_for(user=request.user, status=status),
            ordering="-id",
            cursor=request.GET.get("cursor"),
            limit=25,
        )
        context["page"] = page
    return _partial(request, "knowledge/article_list.html", "knowledge/_article_rows.html", context)


def _article_form_save(request, form, article=None):
    data = form.cleaned_data
    fields = {
        "title": data["title"],
        "body": data["body"],
        "category": data["category"],
        "tags": data["tags"],
        "status": data["status"],
        "audience": data["audience"],
        "review_on": data["review_on"],
    }
    if article is None:
        # an administrator (no line of their own) chose the line on the form
        line = request.POST.get("business_line", "")
        return services.article_create_from_input(
            actor=request.user, business_line=int(line) if line.isdigit() else None, **fields
        )
    return services.article_update_from_input(
        actor=request.user, article=article, version=data["version"] or 0, **fields
    )


@kb_view
@once
def article_create(request):
    services.require_editor(request.user, request.user.business_line_id)
    form = ArticleForm(request.POST or None, initial={"status": "draft"})
    if request.method == "POST" and form.is_valid():
        try:
            article = _article_form_save(request, form)
        except Invalid as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("The article is saved."))
            return redirect("knowledge:article", article_id=article.pk)
    from kefu.accounts import lines

    context = {"form": form, "article": None, "line_choices": lines.line_choices(request.user)}
    return render(request, "knowledge/article_form.html", context)


@kb_view
def article_detail(request, article_id: int):
    article = selectors.article_get_for(user=request.user, pk=article_id)
    return render(
        request,
        "knowledge/article_detail.html",
        {
            "article": article,
            "tags": [t.name for t in article.tags.all()],
            "versions": selectors.article_versions(article=article, user=request.user),
            "attachments": list(article.attachments.all()),
            "can_edit": services.can_edit(request.user, article.business_line_id),
        },
    )


@kb_view
def article_edit(request, article_id: int):
    article = selectors.article_get_for(user=request.user, pk=article_id)
    services.require_editor(request.user, article.business_line_id)
    initial = {
        "title": article.title,
        "body": article.body,
        "category": article.category.name if article.category else "",
        "tags": "、".join(t.name for t in article.tags.all()),
        "status": article.status,
        "audience": article.audience,
        "review_on": article.review_on,
        "version": article.version,
    }
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _article_form_save(request, form, article)
        except DomainError as exc:
            if exc.status == 409:
                messages.error(request, str(exc.message))
            else:
                form.add_domain_error(exc)
        else:
            messages.success(request, _("The article is saved as a new version."))
            return redirect("knowledge:article", article_id=article.pk)
    return render(request, "knowledge/article_form.html", {"form": form, "article": article})


@kb_view
def article_diff(request, article_id: int, number: int):
    article = selectors.article_get_for(user=request.user, pk=article_id)
    diff = selectors.article_version_diff(article=article, number=number, user=request.user)
    return render(request, "knowledge/article_diff.html", {"article": article, **diff})


@kb_view
@require_POST
def attachment_add(request, article_id: int):
    article = selectors.article_get_for(user=request.user, pk=article_id)
    try:
        services.article_attachment_add(
            actor=request.user, article=article, upload=request.FILES.get("file")
        )
    except Invalid as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The file is attached."))
    return redirect("knowledge:article", article_id=article.pk)


@kb_view
def attachment_download(request, article_id: int, attachment_id: int):
    article = selectors.article_get_for(user=request.user, pk=article_id)
    att = article.attachments.filter(pk=attachment_id).first()
    if att is None:
        raise Http404()
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name)


@kb_view
def kb_import(request):
    services.require_editor(request.user, request.user.business_line_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from kefu.knowledge.cli import read_sheet

        upload = form.cleaned_data["file"]
        try:
            rows = read_sheet(upload)
            items = services.parse_article_rows(rows)
            chosen = request.POST.get("business_line", "")
            line = services.line_for_user(request.user, int(chosen) if chosen.isdigit() else None)
            result = services.articles_import(actor=request.user, business_line=line, items=items)
        except (UsageError, Invalid) as exc:
            form.add_error("file", str(getattr(exc, "message", exc)))
        else:
            messages.success(
                request,
                _("Imported %(created)d new and %(updated)d updated article(s).") % result,
            )
            return redirect("knowledge:articles")
    status = 400 if request.method == "POST" else 200
    from kefu.accounts import lines

    context = {"form": form, "line_choices": lines.line_choices(request.user)}
    return render(request, "knowledge/import.html", context, status=status)


@kb_view
def kb_export(request):
    line = services.line_for_user(request.user, None)
    what = request.GET.get("what")
    data = (  # what the user may read, as on the pages: no drafts for agents
        xlsx.export_phrases(line, request.user)
        if what == "phrases"
        else xlsx.export_articles(line, request.user)
    )
    name = "phrases.xlsx" if what == "phrases" else "articles.xlsx"
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- quick replies -------------------------------------------------------------------------------


@kb_view
@once
def phrase_list(request):
    category = request.GET.get("category") or None
    phrases = list(selectors.phrase_list_for(user=request.user, category=category)[:500])
    sets = list(selectors.phrase_sets_for(user=request.user))
    can_edit = services.can_edit(request.user, request.user.business_line_id)
    form = PhraseForm(request.POST or None, sets=sets)
    if request.method == "POST":
        services.require_editor(request.user, request.user.business_line_id)
        if form.is_valid():
            try:
                services.phrase_create_from_input(actor=request.user, **form.cleaned_data)
            except Invalid as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("The quick reply is saved."))
                return redirect("knowledge:phrases")
    categories = sorted({p.category for p in phrases})
    usage = selectors.phrase_usage_by_agent(user=request.user) if can_edit else []
    return render(
        request,
        "knowledge/phrase_list.html",
        {
            "phrases": phrases,
            "sets": sets,
            "categories": categories,
            "category": category,
            "form": form,
            "can_edit": can_edit,
            "usage": usage[:20],
        },
    )


@kb_view
@require_POST
def phrase_set_switch(request, set_id: int):
    phrase_set = selectors.phrase_set_get_for(user=request.user, pk=set_id)
    on = request.POST.get("on") == "1"
    services.phrase_set_switch(actor=request.user, phrase_set=phrase_set, on=on)
    if on:
        messages.success(request, _("“%(name)s” is switched on.") % {"name": phrase_set.name})
    else:
        messages.success(request, _("“%(name)s” is switched off.") % {"name": phrase_set.name})
    return redirect("knowledge:phrases")


# --- reply assistant (fragments for any reply box) -----------------------------------------------


@kb_view
def assist(request):
    """A reply box with the assistant beside it (also a demo of the fragments below)."""
    return render(request, "knowledge/assist.html", {"ticket": request.GET.get("ticket", "")})


@kb_view
def assist_suggest(request):
    found = selectors.suggestions_for(user=request.user, text=request.GET.get("text", ""))
    return render(request, "knowledge/_suggestions.html", found)


@kb_view
def assist_shortcut(request):
    typed = request.GET.get("typed", "")
    values = selectors.ticket_values_for(
        user=request.user, ticket_id=request.GET.get("ticket") or None
    )
    phrases = [
        (p, selectors.phrase_filled(phrase=p, values=values))
        for p in selectors.phrase_shortcut_for(user=request.user, typed=typed)
    ]
    return render(request, "knowledge/_shortcuts.html", {"phrases": phrases, "typed": typed})


@kb_view
def assist_check(request):
    text = request.GET.get("text", "")[:5000]
    findings = language.check(text, services.language_rules(request.user.business_line_id))
    return render(
        request,
        "knowledge/_language_check.html",
        {"findings": findings, "polite": language.polite(text, findings), "text": text},
    )


@kb_view
@require_POST
def phrase_use(request, phrase_id: int):
    phrase = selectors.phrase_get_for(user=request.user, pk=phrase_id)
    services.phrase_use(agent=request.user, phrase=phrase)
    return HttpResponse(status=204)


# --- language rules and dictionary ---------------------------------------------------------------


@kb_view
def language_rules(request):
    if not at_least(request.user, LEAD):
        raise DjangoPermissionDenied()
    form = RuleForm(request.POST or None)
    if request.method == "POST":
        services.require_admin(request.user)
        if form.is_valid():
            try:
                services.language_rule_create(actor=request.user, **form.cleaned_data)
            except Invalid as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("The rule is saved."))
                return redirect("knowledge:language")
    return render(
        request,
        "knowledge/language_rules.html",
        {
            "rules": selectors.language_rules_for(user=request.user),
            "hits": selectors.language_hits_by_agent(user=request.user),
            "form": form,
            "is_admin": is_admin(request.user),
        },
    )


@kb_view
def dictionary(request):
    services.require_admin(request.user)
    word_form = WordForm(request.POST if "word" in request.POST else None)
    syn_form = SynonymForm(request.POST if "terms" in request.POST else None)
    try:
        if word_form.is_bound and word_form.is_valid():
            services.dictionary_word_add(actor=request.user, word=word_form.cleaned_data["word"])
            messages.success(request, _("The word is added; the index is being rebuilt."))
            return redirect("knowledge:dictionary")
        if syn_form.is_bound and syn_form.is_valid():
            services.synonym_group_save(actor=request.user, terms=syn_form.cleaned_data["terms"])
            messages.success(request, _("The synonyms are saved; the index is being rebuilt."))
            return redirect("knowledge:dictionary")
        if request.method == "POST" and request.POST.get("delete_synonyms"):
            services.synonym_group_delete(
                actor=request.user, group_id=int(request.POST["delete_synonyms"])
            )
            return redirect("knowledge:dictionary")
        if request.method == "POST" and request.POST.get("delete_word"):
            services.dictionary_word_remove(
                actor=request.user, word_id=int(request.POST["delete_word"])
            )
            return redirect("knowledge:dictionary")
    except Invalid as exc:
        (word_form if word_form.is_bound else syn_form).add_domain_error(exc)
    except ValueError:
        raise Http404() from None
    return render(
        request,
        "knowledge/dictionary.html",
        {
            "words": selectors.dictionary_words(),
            "groups": selectors.synonym_groups(),
            "word_form": word_form,
            "syn_form": syn_form,
        },
    )


# --- public help pages (no login) ----------------------------------------------------------------


def _public_line(code: str):
    try:
        return selectors.public_line_get(code=code)
    except NotFound:
        raise Http404() from None


def help_home(request, line: str):
    bl = _public_line(line)
    q = request.GET.get("q", "").strip()[:100]
    context = {"line": bl, "q": q}
    if q:
        context["hits"] = selectors.public_search(line=bl, q=q)
    else:
        context["articles"] = list(
            selectors.public_articles(line=bl).order_by("category__name", "id")[:200]
        )
    return _partial(request, "knowledge/help_home.html", "knowledge/_help_results.html", context)


def help_article(request, line: str, slug: str):
    bl = _public_line(line)
    try:
        article = selectors.public_article_get(line=bl, slug=slug)
    except NotFound:
        raise Http404() from None
    voted = request.session.get(f"kb_voted_{article.pk}")
    return render(
        request, "knowledge/help_article.html", {"line": bl, "article": article, "voted": voted}
    )


@require_POST
def help_feedback(request, line: str, slug: str):
    bl = _public_line(line)
    try:
        article = selectors.public_article_get(line=bl, slug=slug)
    except NotFound:
        raise Http404() from None
    helpful = request.POST.get("helpful")
    if helpful not in ("yes", "no"):
        return HttpResponse(_("Answer yes or no."), status=400)
    if not request.session.session_key:
        request.session.save()
    services.article_feedback(
        article=article, helpful=helpful == "yes", session_key=request.session.session_key
    )
    request.session[f"kb_voted_{article.pk}"] = helpful
    if request.htmx:
        return render(request, "knowledge/_help_thanks.html", {})
    return redirect("help:article", line=bl.code, slug=article.slug)
