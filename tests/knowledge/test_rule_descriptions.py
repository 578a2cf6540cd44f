"""Language rules are shown in words (issue 15, "every code is a word"): a regular-expression
rule appears by its description, never by its raw pattern; the admin types the pattern in a
labelled form field."""

from __future__ import annotations

from django.urls import reverse

from kefu.knowledge.models import LanguageRule


def _rules_table(client, language="zh-hans"):
    client.cookies["django_language"] = language
    response = client.get(reverse("knowledge:language"))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<tbody>") : html.index("</tbody>")]


def test_seeded_regex_rules_show_their_description_not_the_pattern(kb, web_as, lead):
    rules = _rules_table(web_as(lead))

    for rule in LanguageRule.objects.filter(is_regex=True):
        assert rule.description, rule.pattern
        assert rule.pattern not in rules
    assert "你叫什么名字（带或不带问号）" in rules
    assert "保证、肯定、一定或绝对会在某时到货、送到或收到" in rules
    assert "[?？]" not in rules and "{0," not in rules


def test_admin_gives_a_new_regex_rule_a_description(kb, web_as, admin_user):
    client = web_as(admin_user)
    form = client.get(reverse("knowledge:language")).content.decode()
    assert 'for="id_pattern"' in form and 'for="id_description"' in form

    response = client.post(
        reverse("knowledge:language"),
        {
            "kind": "improper",
            "situation": "催促客户",
            "pattern": "快点[!！]*",
            "is_regex": "on",
            "description": "催客户“快点”",
            "suggestion": "麻烦您抽空处理一下",
        },
    )

    assert response.status_code == 302
    rules = _rules_table(client, "en")
    assert "催客户“快点”" in rules and "快点[!！]*" not in rules
