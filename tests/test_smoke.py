"""The platform boots: migrations apply, templates configure an organisation, the API answers."""


def test_business_line_template_creates_teams_and_categories(org):
    from kefu.tickets.models import Category

    assert {t.name for t in org.shop.teams.all()} >= {"售前组", "售后一组", "退款组"}
    assert Category.objects.filter(business_line=org.shop, name="物流问题").exists()
    assert org.property.ticket_types == ["consult", "complaint", "repair", "suggestion", "praise"]


def test_api_requires_a_token(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert client.get("/api/v1/tickets").status_code in (401, 404)
