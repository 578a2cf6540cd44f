"""Quick replies (KB-1): /shortcut typing, variables from the ticket, peak sets, usage counts."""

import pytest

from kefu.core.errors import PermissionDenied
from kefu.knowledge import selectors, services
from kefu.knowledge.models import PhraseSet, QuickReply, QuickReplyUsage


@pytest.mark.django_db
def test_typing_a_shortcut_offers_matching_phrases(kb, agent):
    phrases = selectors.phrase_shortcut_for(user=agent, typed="/发")
    shortcuts = [p.shortcut for p in phrases]
    assert shortcuts[:3] == ["发货", "发货预售", "发票"] or set(shortcuts) >= {"发货", "发票"}
    assert all(p.shortcut.startswith("发") or "发" in p.title for p in phrases)


@pytest.mark.django_db
def test_a_latin_shortcut_matches_whatever_case_is_typed(kb, lead, agent):
    # given a phrase with a Latin shortcut (on PostgreSQL LIKE minds case, on SQLite it does not)
    services.phrase_create(
        actor=lead,
        business_line=kb.shop,
        category="物流",
        shortcut="SF",
        title="顺丰 Express 时效",
        body="顺丰一般 1–2 天送达。",
    )
    # then typing it in either case offers it, by prefix and by a word of the title
    for typed in ("/sf", "/SF", "/Sf", "express"):
        assert "SF" in [p.shortcut for p in selectors.phrase_shortcut_for(user=agent, typed=typed)]


@pytest.mark.django_db
def test_variables_are_filled_from_the_ticket_values(kb, agent):
    phrase = QuickReply.objects.get(business_line=kb.shop, shortcut="改地址")
    text = selectors.phrase_filled(phrase=phrase, values={"订单号": "TB20261111001"})
    assert "TB20261111001" in text and "{订单号}" not in text


@pytest.mark.django_db
def test_peak_set_phrases_show_only_while_the_set_is_on(kb, agent, lead):
    peak = PhraseSet.objects.get(business_line=kb.shop, name="双11大促")
    # given the peak set prepared but off
    assert "发货大促" not in [
        p.shortcut for p in selectors.phrase_shortcut_for(user=agent, typed="发货")
    ]
    # when the lead switches it on for the event
    services.phrase_set_switch(actor=lead, phrase_set=peak, on=True)
    # then agents get its phrases first
    offered = [p.shortcut for p in selectors.phrase_shortcut_for(user=agent, typed="发货")]
    assert offered[0] == "发货大促"


@pytest.mark.django_db
def test_agents_cannot_switch_a_phrase_set(kb, agent):
    peak = PhraseSet.objects.get(business_line=kb.shop, name="双11大促")
    with pytest.raises(PermissionDenied):
        services.phrase_set_switch(actor=agent, phrase_set=peak, on=True)


@pytest.mark.django_db
def test_usage_is_counted_per_phrase_and_agent(kb, agent, agent_b, lead):
    phrase = QuickReply.objects.get(business_line=kb.shop, shortcut="退货")
    services.phrase_use(agent=agent, phrase=phrase)
    services.phrase_use(agent=agent, phrase=phrase)
    services.phrase_use(agent=agent_b, phrase=phrase)
    phrase.refresh_from_db()
    assert phrase.use_count == 3
    per_agent = {u.agent.username: u.count for u in QuickReplyUsage.objects.filter(phrase=phrase)}
    assert per_agent == {"agent": 2, "agent_b": 1}
    rows = selectors.phrase_usage_by_agent(user=lead)
    assert rows[0]["agent__username"] == "agent" and rows[0]["count"] == 2


@pytest.mark.django_db
def test_a_phrase_needs_category_shortcut_title_and_text(kb, lead):
    from kefu.core.errors import Invalid

    with pytest.raises(Invalid) as exc:
        services.phrase_create(
            actor=lead, business_line=kb.shop, category="", shortcut="a b", title="t", body=""
        )
    assert set(exc.value.fields) == {"category", "shortcut", "body"}
