from tickets.conftest import make_customer, make_ticket  # noqa: F401  (shared fixtures)
