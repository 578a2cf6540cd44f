"""Plain helpers shared by tests (importable as ``testkit``; conftest modules are not)."""

from __future__ import annotations

from kefu.accounts import services as account_services
from kefu.accounts.models import User

PASSWORD = "Kefu-test-2026!"


def make_user(username: str, role: str, **placement) -> User:
    return account_services.user_create(
        username=username, password=PASSWORD, role=role, display_name=username, **placement
    )


def agree_solution(ticket, actor) -> None:
    """Take a complaint through 澄清判定 to 方案协商 (a solution agreed), so that it may be
    resolved (complaint stages, CMP-1). Does nothing for other tickets or a later stage."""
    from kefu.tickets import complaints
    from kefu.tickets.models_sla import Stage

    if ticket.type != "complaint":
        return
    case = complaints.complaint_case(ticket)
    if case.stage == Stage.ACCEPTED:
        complaints.complaint_advance(
            actor=actor, ticket=ticket, stage=Stage.CLARIFIED, validity="valid"
        )
        case = complaints.complaint_case(ticket)
    if case.stage == Stage.CLARIFIED:
        complaints.complaint_advance(
            actor=actor,
            ticket=ticket,
            stage=Stage.SOLUTION,
            options=["补发", "退款"],
            agreed_option="补发",
        )
