"""Service-language check on the database (CH-7, KB-2): demo rules, counting, who edits."""

import pytest

from kefu.core.errors import Invalid, PermissionDenied
from kefu.knowledge import language, selectors, services
from kefu.knowledge.models import LanguageHit


@pytest.mark.django_db
def test_the_ch7_table_is_loaded_with_the_demo(kb, agent):
    rules = services.language_rules(agent.business_line_id)
    findings = language.check("喂，你是谁？我不知道，你等一会儿。还有事吗？", rules)
    assert [f.suggestion for f in findings] == [
        "您好",
        "请问您是…?",
        "我可以帮您询问一下",
        "请您稍等一会儿",
        "您还有其他我可以帮到您的事情吗?",
    ]


@pytest.mark.django_db
def test_promising_delivery_or_gifts_is_flagged(kb, agent):
    rules = services.language_rules(agent.business_line_id)
    for text in ("亲，明天肯定能到", "我们保证您后天收到", "给您额外送一份赠品"):
        assert [f.kind for f in language.check(text, rules)] == ["promise"], text


@pytest.mark.django_db
def test_sent_replies_are_counted_per_agent(kb, agent, agent_b, lead):
    services.language_check_record(agent=agent, text="喂，我不知道", source="ticket:1")
    services.language_check_record(agent=agent_b, text="您好，请您稍等一会儿。", source="ticket:2")
    rows = selectors.language_hits_by_agent(user=lead)
    assert [(r["agent__username"], r["hits"]) for r in rows] == [("agent", 2)]
    assert LanguageHit.objects.filter(agent=agent_b).count() == 0


@pytest.mark.django_db
def test_only_admins_edit_language_rules(kb, lead, admin_user):
    with pytest.raises(PermissionDenied):
        services.language_rule_create(
            actor=lead, kind="improper", pattern="搞不定", suggestion="我来帮您处理"
        )
    rule = services.language_rule_create(
        actor=admin_user, kind="improper", pattern="搞不定", suggestion="我来帮您处理"
    )
    found = language.check("这个我搞不定", services.language_rules(kb.shop.pk))
    assert [f.rule_id for f in found] == [rule.pk]


@pytest.mark.django_db
def test_a_rule_that_would_flag_everything_is_refused(kb, admin_user):
    with pytest.raises(Invalid) as exc:
        services.language_rule_create(actor=admin_user, kind="promise", pattern=".*", is_regex=True)
    assert "pattern" in exc.value.fields
