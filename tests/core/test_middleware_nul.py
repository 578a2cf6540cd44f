"""A NUL character in a query string is refused with 400 before it reaches a query (PostgreSQL
refuses NUL in text, which would otherwise be a 500)."""


def test_nul_in_page_query_string_is_a_400(web_as, agent):
    response = web_as(agent).get("/tickets/", {"q": "快递\x00"})
    assert response.status_code == 400


def test_nul_in_api_query_string_is_a_400_in_the_error_shape(api_as, agent):
    response = api_as(agent).get("/api/v1/tickets", {"q": "a\x00b"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
