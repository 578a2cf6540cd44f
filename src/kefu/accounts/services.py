"""Writes for accounts and organisation: business lines from templates, users, tokens, lockout."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import ApiToken, BusinessLine, Department, Role, Team, User
from kefu.accounts.templates import template
from kefu.core import audit
from kefu.core.errors import Invalid, NotFound

TOKEN_PREFIX = "kf_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def business_line_create(*, name: str, code: str, industry: str, actor=None) -> BusinessLine:
    """A business line pre-filled from its industry template: types, categories, teams."""
    from kefu.tickets.services import category_tree_create

    if BusinessLine.objects.filter(code=code).exists():
        raise Invalid(_("A business line with this code exists."), fields={"code": _("Taken.")})
    tpl = template(industry)
    line = BusinessLine.objects.create(
        name=name, code=code, industry=industry, ticket_types=list(tpl["ticket_types"])
    )
    for dept_name, team_names in tpl["teams"].items():
        dept = Department.objects.create(business_line=line, name=dept_name)
        for team_name in team_names:
            Team.objects.create(business_line=line, department=dept, name=team_name)
    category_tree_create(business_line=line, tree=tpl["categories"])
    audit.record(actor=actor, action="business_line.create", obj=line, changes={"name": name})
    return line


@transaction.atomic
def team_create(*, department: Department, name: str, actor=None) -> Team:
    if Team.objects.filter(department=department, name=name).exists():
        raise Invalid(_("A team with this name exists."), fields={"name": _("Taken.")})
    team = Team.objects.create(
        business_line_id=department.business_line_id, department=department, name=name
    )
    audit.record(actor=actor, action="team.create", obj=team, changes={"name": name})
    return team


def _placement(role: str, team: Team | None, department: Department | None, line):
    """Derive department and business line from the most specific unit given."""
    if team is not None:
        return team, team.department, team.business_line
    if department is not None:
        return None, department, department.business_line
    return None, None, line


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str = Role.AGENT,
    display_name: str = "",
    team: Team | None = None,
    department: Department | None = None,
    business_line: BusinessLine | None = None,
    email: str = "",
    actor=None,
) -> User:
    """A user placed in the organisation; admins may stand outside any business line."""
    if role not in Role.values:
        raise Invalid(_("Unknown role."), fields={"role": _("Unknown role.")})
    if User.objects.filter(username=username).exists():
        raise Invalid(_("This username is taken."), fields={"username": _("Taken.")})
    team, department, business_line = _placement(role, team, department, business_line)
    if role in (Role.AGENT, Role.LEAD) and team is None:
        raise Invalid(_("Agents and team leads belong to a team."), fields={"team": _("Required.")})
    if role == Role.SUPERVISOR and department is None:
        raise Invalid(
            _("A supervisor belongs to a department."), fields={"department": _("Required.")}
        )
    if role == Role.MANAGER and business_line is None:
        raise Invalid(
            _("A manager belongs to a business line."), fields={"business_line": _("Required.")}
        )
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        email=email,
        team=team,
        department=department,
        business_line=business_line,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    user.set_password(password)
    try:
        user.save()
    except IntegrityError:
        raise Invalid(_("This username is taken."), fields={"username": _("Taken.")})
    audit.record(actor=actor, action="user.create", obj=user, changes={"role": role})
    return user


@transaction.atomic
def token_create(*, user: User, name: str = "", actor=None) -> tuple[ApiToken, str]:
    """A new API token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10], key_hash=hash_token(raw))
    audit.record(
        actor=actor or user, action="token.create", obj=user, changes={"prefix": token.prefix}
    )
    return token, raw


@transaction.atomic
def token_revoke(*, user: User, token_id: int, actor=None) -> None:
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise NotFound()
    audit.record(actor=actor or user, action="token.revoke", obj=user, changes={"token": token_id})


def token_user(raw: str) -> User | None:
    """The active user behind a raw token, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # one write a minute at most, not one per request
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def is_locked(user: User) -> bool:
    return bool(user.locked_until and user.locked_until > timezone.now())


@transaction.atomic
def login_failed(*, username: str, ip: str | None = None) -> None:
    """Count a failed sign-in; lock the account for a while after too many in a row."""
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        return
    User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    user.refresh_from_db(fields=["failed_logins"])
    changes = {"failed_logins": user.failed_logins}
    if user.failed_logins >= settings.KEFU_LOGIN_MAX_FAILURES:
        user.locked_until = timezone.now() + timedelta(minutes=settings.KEFU_LOGIN_LOCK_MINUTES)
        user.failed_logins = 0
        user.save(update_fields=["locked_until", "failed_logins"])
        changes["locked_until"] = user.locked_until.isoformat()
    audit.record(actor=None, action="login.failed", obj=user, changes=changes, ip=ip)


@transaction.atomic
def login_succeeded(*, user: User, ip: str | None = None) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    audit.record(actor=user, action="login.success", obj=user, ip=ip)


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    if not user.check_password(old_password):
        raise Invalid(_("The current password is wrong."), fields={"old_password": _("Wrong.")})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), fields={"new_password": " ".join(exc.messages)})
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit.record(actor=user, action="password.change", obj=user)
