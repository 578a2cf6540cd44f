"""Writes for accounts and organisation: business lines from templates, users, tokens, lockout."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kefu.accounts.models import (
    SCOPE_RANK,
    ApiToken,
    BusinessLine,
    Department,
    Role,
    SignInThrottle,
    Team,
    TokenScope,
    User,
)
from kefu.accounts.templates import ALL_TYPES, TEMPLATES, template
from kefu.core import audit, line_settings
from kefu.core.errors import Invalid, NotFound, PermissionDenied

TOKEN_PREFIX = "kf_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def business_line_create(*, name: str, code: str, industry: str, actor=None) -> BusinessLine:
    """A business line pre-filled from its industry template: types, categories, teams."""
    from kefu.tickets.services import category_tree_create

    name, code = (name or "").strip(), (code or "").strip()
    if not name:
        raise Invalid(_("Enter a name."), fields={"name": _("Required.")})
    if not re.fullmatch(r"[-a-zA-Z0-9_]{1,50}", code):
        raise Invalid(
            _("The code uses letters, digits, hyphens and underscores only."),
            fields={"code": _("Letters, digits, - and _ only.")},
        )
    if industry not in TEMPLATES:
        raise Invalid(_("Unknown industry template."), fields={"industry": _("Unknown value.")})
    if BusinessLine.objects.filter(name=name).exists():
        raise Invalid(_("A business line with this name exists."), fields={"name": _("Taken.")})
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
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Enter a name."), fields={"name": _("Required.")})
    if not department.is_active:
        raise Invalid(_("This department is inactive."), fields={"department": _("Inactive.")})
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


def _check_placement(
    role: str,
    team: Team | None,
    department: Department | None,
    business_line: BusinessLine | None,
) -> tuple[Team | None, Department | None, BusinessLine | None]:
    """The placement rules: agents and leads in a team, a supervisor in a department, a manager
    in a business line, an admin anywhere (or nowhere); units must be active."""
    if role not in Role.values:
        raise Invalid(_("Unknown role."), fields={"role": _("Unknown role.")})
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
    if team is not None and not team.is_active:
        raise Invalid(_("This team is inactive."), fields={"team": _("Inactive.")})
    if department is not None and not department.is_active:
        raise Invalid(_("This department is inactive."), fields={"department": _("Inactive.")})
    return team, department, business_line


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
    username = (username or "").strip()
    if not username:
        raise Invalid(_("Enter a username."), fields={"username": _("Required.")})
    if role not in Role.values:
        raise Invalid(_("Unknown role."), fields={"role": _("Unknown role.")})
    if User.objects.filter(username=username).exists():
        raise Invalid(_("This username is taken."), fields={"username": _("Taken.")})
    team, department, business_line = _check_placement(role, team, department, business_line)
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
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise Invalid(_("This username is taken."), fields={"username": _("Taken.")})
    audit.record(actor=actor, action="user.create", obj=user, changes={"role": role})
    return user


USER_EDITABLE = ("display_name", "email", "role", "team", "department", "business_line")


@transaction.atomic
def user_update(
    *,
    user: User,
    actor,
    role: str,
    team: Team | None = None,
    department: Department | None = None,
    business_line: BusinessLine | None = None,
    is_active: bool = True,
    contact_access: str = "",
    display_name: str | None = None,
    email: str | None = None,
) -> User:
    """Change a user's role, placement, activity or contact-data access (admin's job).

    The placement rules of ``user_create`` apply; an admin cannot deactivate or demote
    themselves, so the organisation never loses its last way in by accident."""
    valid_access = {c for c, _label in User._meta.get_field("contact_access").choices}
    if contact_access not in valid_access:
        raise Invalid(
            _("Unknown contact data access."), fields={"contact_access": _("Unknown value.")}
        )
    if actor is not None and actor.pk == user.pk and (not is_active or role != Role.ADMIN):
        raise Invalid(
            _("You cannot deactivate yourself or give up your own administrator role."),
            fields={"role": _("Not for your own account.")},
        )
    team, department, business_line = _check_placement(role, team, department, business_line)
    before = {f: getattr(user, f) for f in (*USER_EDITABLE, "is_active", "contact_access")}
    user.role = role
    user.team, user.department, user.business_line = team, department, business_line
    user.is_active = is_active
    user.contact_access = contact_access
    user.is_staff = user.is_superuser = role == Role.ADMIN
    if display_name is not None:
        user.display_name = display_name.strip()
    if email is not None:
        user.email = email.strip()
    after = {f: getattr(user, f) for f in before}
    changes = audit.diff(before, after)
    if changes:
        user.save(
            update_fields=[
                "role",
                "team",
                "department",
                "business_line",
                "is_active",
                "contact_access",
                "is_staff",
                "is_superuser",
                "display_name",
                "email",
            ]
        )
        audit.record(actor=actor, action="user.update", obj=user, changes=changes)
    return user


def _validated_password(password: str, user: User, field: str) -> str:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise Invalid(" ".join(exc.messages), fields={field: " ".join(exc.messages)})
    return password


@transaction.atomic
def user_password_reset(*, user: User, new_password: str, actor) -> None:
    """An administrator sets a new password; it also lifts a sign-in lock."""
    _validated_password(new_password, user, "new_password")
    user.set_password(new_password)
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["password", "failed_logins", "locked_until"])
    audit.record(actor=actor, action="user.password_reset", obj=user)


@transaction.atomic
def business_line_update(
    *,
    line: BusinessLine,
    actor,
    name: str,
    is_active: bool,
    ticket_types: list[str],
    refunds_enabled: bool | None = None,
    resolution_time: str | None = None,
) -> BusinessLine:
    """Rename, (de)activate a business line, choose the ticket types it records and set its
    refund (§9.6 不退费) and resolution-time (business or calendar hours) policies; ``None``
    leaves a policy as it is."""
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Enter a name."), fields={"name": _("Required.")})
    if BusinessLine.objects.filter(name=name).exclude(pk=line.pk).exists():
        raise Invalid(_("A business line with this name exists."), fields={"name": _("Taken.")})
    unknown = [t for t in ticket_types if t not in ALL_TYPES]
    if unknown:
        raise Invalid(_("Unknown ticket type."), fields={"ticket_types": ", ".join(unknown)})
    if not ticket_types:
        raise Invalid(
            _("Choose at least one ticket type."), fields={"ticket_types": _("Required.")}
        )
    resolution_time = resolution_time or None  # a form left blank keeps the policy
    if resolution_time not in (None, "business", "calendar"):
        raise Invalid(
            _("Resolution time is counted in business or calendar hours."),
            fields={"resolution_time": _("Choose business or calendar.")},
        )
    ordered = [t for t in ALL_TYPES if t in ticket_types]
    policies = dict(line.policies)
    if refunds_enabled is not None:
        policies["refunds_enabled"] = bool(refunds_enabled)
    if resolution_time is not None:
        policies["resolution_time"] = resolution_time
    before = {
        "name": line.name,
        "is_active": line.is_active,
        "ticket_types": line.ticket_types,
        "refunds_enabled": line.policy("refunds_enabled") is not False,
        "resolution_time": line.policy("resolution_time"),
    }
    line.name, line.is_active, line.ticket_types = name, is_active, ordered
    line.policies = policies
    after = {
        "name": name,
        "is_active": is_active,
        "ticket_types": ordered,
        "refunds_enabled": line.policy("refunds_enabled") is not False,
        "resolution_time": line.policy("resolution_time"),
    }
    changes = audit.diff(before, after)
    if changes:
        line.save(update_fields=["name", "is_active", "ticket_types", "policies", "updated_at"])
        if "resolution_time" in changes or "refunds_enabled" in changes:
            line_settings.changed(line.pk)  # the SLA plan reads them: every process re-reads
        audit.record(
            actor=actor,
            action="business_line.update",
            obj=line,
            business_line_id=line.pk,
            changes=changes,
        )
    return line


@transaction.atomic
def department_create(*, business_line: BusinessLine, name: str, actor) -> Department:
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Enter a name."), fields={"name": _("Required.")})
    if Department.objects.filter(business_line=business_line, name=name).exists():
        raise Invalid(_("A department with this name exists."), fields={"name": _("Taken.")})
    dept = Department.objects.create(business_line=business_line, name=name)
    audit.record(actor=actor, action="department.create", obj=dept, changes={"name": name})
    return dept


@transaction.atomic
def department_update(*, department: Department, actor, name: str, is_active: bool) -> Department:
    """Rename or (de)activate a department; it must have no active team to be deactivated."""
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Enter a name."), fields={"name": _("Required.")})
    clash = Department.objects.filter(business_line_id=department.business_line_id, name=name)
    if clash.exclude(pk=department.pk).exists():
        raise Invalid(_("A department with this name exists."), fields={"name": _("Taken.")})
    if not is_active and department.teams.filter(is_active=True).exists():
        raise Invalid(
            _("Deactivate the department's teams first."),
            fields={"is_active": _("It still has active teams.")},
        )
    changes = audit.diff(
        {"name": department.name, "is_active": department.is_active},
        {"name": name, "is_active": is_active},
    )
    if changes:
        department.name, department.is_active = name, is_active
        department.save(update_fields=["name", "is_active", "updated_at"])
        audit.record(actor=actor, action="department.update", obj=department, changes=changes)
    return department


@transaction.atomic
def team_update(
    *, team: Team, actor, name: str, is_active: bool, is_practice: bool | None = None
) -> Team:
    """Rename or (de)activate a team; its active members must be moved before it closes.
    ``is_practice`` (None: unchanged) makes it a practice team of the live drill: its new
    tickets are practice tickets, never routed a customer and never counted; tickets it holds
    keep what they were (tickets.Ticket.is_practice is copied at creation)."""
    if is_practice is None:
        is_practice = team.is_practice
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Enter a name."), fields={"name": _("Required.")})
    clash = Team.objects.filter(department_id=team.department_id, name=name).exclude(pk=team.pk)
    if clash.exists():
        raise Invalid(_("A team with this name exists."), fields={"name": _("Taken.")})
    if not is_active:
        members = team.members.filter(is_active=True).count()
        if members:
            raise Invalid(
                ngettext(
                    "Move the team's %(n)d active member to another team first.",
                    "Move the team's %(n)d active members to another team first.",
                    members,
                )
                % {"n": members},
                fields={"is_active": _("It still has active members.")},
            )
    if is_active and not team.department.is_active:
        raise Invalid(
            _("This department is inactive."), fields={"is_active": _("Inactive department.")}
        )
    changes = audit.diff(
        {"name": team.name, "is_active": team.is_active, "is_practice": team.is_practice},
        {"name": name, "is_active": is_active, "is_practice": bool(is_practice)},
    )
    if changes:
        team.name, team.is_active, team.is_practice = name, is_active, bool(is_practice)
        team.save(update_fields=["name", "is_active", "is_practice", "updated_at"])
        audit.record(actor=actor, action="team.update", obj=team, changes=changes)
    return team


def insufficient_scope(message=None) -> PermissionDenied:
    return PermissionDenied(
        message or _("This API token's scope does not allow this."), code="insufficient_scope"
    )


@transaction.atomic
def token_create(
    *,
    user: User,
    name: str = "",
    actor=None,
    scope: str = TokenScope.ADMIN,
    within: str | None = None,
) -> tuple[ApiToken, str]:
    """A new API token of ``scope`` (read, write or admin: a full token by default); the raw
    value is returned once and never stored. ``within``: the scope of the token the request
    came with, which a new token may not exceed (a read token cannot mint a full one)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    name = (name or "").strip()
    if len(name) > 100:
        raise Invalid(_("The name is too long."), fields={"name": _("At most 100 characters.")})
    if scope not in TokenScope.values:
        raise Invalid(
            _("Choose the token's scope: read, write or admin."),
            fields={"scope": _("Choose read, write or admin.")},
        )
    if within is not None and SCOPE_RANK[scope] > SCOPE_RANK[within]:
        raise insufficient_scope(_("A token cannot make a token of a wider scope than its own."))
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:10], key_hash=hash_token(raw), scope=scope
    )
    audit.record(
        actor=actor or user,
        action="token.create",
        obj=user,
        changes={"prefix": token.prefix, "scope": scope},
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
    token = token_get(raw)
    return token.user if token is not None else None


def token_get(raw: str) -> ApiToken | None:
    """The working token (with its active user) of a raw value, or None."""
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
    return token


def lock_minutes_left(user: User) -> int:
    """Whole minutes (rounded up) until a locked account opens again; 0 when not locked."""
    if not is_locked(user):
        return 0
    return _minutes_until(user.locked_until, timezone.now())


def is_locked(user: User) -> bool:
    return bool(user.locked_until and user.locked_until > timezone.now())


# -- sign-in throttling ----------------------------------------------------------------------
#
# Every attempt first *claims* a try (one short transaction, rows locked), then the password is
# checked outside it. A claim counts the try against the source address and the account (or,
# for a name nobody has, a throttle row of that name, so both answer alike); a success gives the
# try back. So parallel attempts cannot slip past the limit between a check and a count, and
# no more than KEFU_LOGIN_MAX_FAILURES passwords are tried before the back-off starts.
# Back-off per account: 1, 2, 4, 8 … minutes after each further failure, capped at
# KEFU_LOGIN_LOCK_MINUTES; a try during the back-off is refused without extending it, so a
# stranger cannot lock an account out for longer than the cap after their last try; the
# source limit (KEFU_LOGIN_SOURCE_MAX_FAILURES per KEFU_LOGIN_SOURCE_WINDOW_MINUTES) stops one
# address from trying many accounts.

FORGET_AFTER = timedelta(days=1)  # a back-off this old starts again from the first step


@dataclass
class SignInClaim:
    allowed: bool
    reason: str = ""  # "" | "locked" (account or name backs off) | "source" (address throttled)
    minutes: int = 0  # until the refusal ends, or the back-off this try started
    user_id: int | None = None
    ip: str | None = None
    locked_now: bool = False


def _minutes_until(when, now) -> int:
    return max(1, -(-int((when - now).total_seconds()) // 60))


def backoff_minutes(failures: int) -> int:
    """Minutes an account waits after ``failures`` failed tries in a row (0 below the limit)."""
    first = settings.KEFU_LOGIN_MAX_FAILURES
    if failures < first:
        return 0
    return min(2 ** min(failures - first, 20), settings.KEFU_LOGIN_LOCK_MINUTES)


def _throttle_row(key: str, now) -> SignInThrottle:
    SignInThrottle.objects.bulk_create(
        [SignInThrottle(key=key, window_started_at=now, updated_at=now)], ignore_conflicts=True
    )
    return SignInThrottle.objects.select_for_update().get(key=key)


def _claim_source(ip: str, now) -> SignInClaim | None:
    """Count a try from ``ip``; a refusal when the address used up its window's failures."""
    row = _throttle_row(f"ip:{ip}"[:200], now)
    window = timedelta(minutes=settings.KEFU_LOGIN_SOURCE_WINDOW_MINUTES)
    if row.window_started_at <= now - window:
        row.window_started_at, row.failures, row.locked_until = now, 0, None
    row.updated_at = now
    if row.failures >= settings.KEFU_LOGIN_SOURCE_MAX_FAILURES:
        row.locked_until = row.window_started_at + window
        row.save()
        return SignInClaim(False, "source", _minutes_until(row.locked_until, now), ip=ip)
    row.failures += 1
    row.save()
    return None


def _claim_account(failures: int, locked_until, now) -> tuple[bool, int, object]:
    """(allowed, failures, locked_until) after one more try on an account or a name."""
    if locked_until and locked_until > now:
        return False, failures, locked_until
    if locked_until and locked_until <= now - FORGET_AFTER:
        failures = 0
    failures += 1
    minutes = backoff_minutes(failures)
    return True, failures, (now + timedelta(minutes=minutes)) if minutes else locked_until


@transaction.atomic
def sign_in_claim(*, username: str, ip: str | None = None) -> SignInClaim:
    """Claim one sign-in try for ``username`` from ``ip`` (see above); refused or allowed."""
    now = timezone.now()
    if ip:
        refused = _claim_source(ip, now)
        if refused is not None:
            return refused
    user = User.objects.select_for_update().filter(username=username).first()
    row = None if user is not None else _throttle_row(f"name:{username}"[:200], now)
    target = user if user is not None else row
    failures = target.failed_logins if user is not None else row.failures
    allowed, failures, locked_until = _claim_account(failures, target.locked_until, now)
    if not allowed:
        return SignInClaim(
            False, "locked", _minutes_until(locked_until, now), getattr(user, "pk", None), ip
        )
    locked_now = locked_until is not None and locked_until > now
    if user is not None:
        User.objects.filter(pk=user.pk).update(failed_logins=failures, locked_until=locked_until)
    else:
        row.failures, row.locked_until, row.updated_at = failures, locked_until, now
        row.save()
    minutes = _minutes_until(locked_until, now) if locked_now else 0
    return SignInClaim(True, "", minutes, getattr(user, "pk", None), ip, locked_now)


@transaction.atomic
def sign_in_failed(*, claim: SignInClaim) -> None:
    """The claimed try had a wrong password: audit it (the claim already counted it)."""
    if claim.user_id is not None:
        user = User.objects.get(pk=claim.user_id)
        changes = {"failed_logins": user.failed_logins}
        if claim.locked_now:
            changes["locked_until"] = user.locked_until.isoformat()
        audit.record(actor=None, action="login.failed", obj=user, changes=changes, ip=claim.ip)
    # throttle rows nobody touched for a day carry no state worth keeping
    SignInThrottle.objects.filter(updated_at__lt=timezone.now() - FORGET_AFTER).delete()


@transaction.atomic
def login_failed(*, username: str, ip: str | None = None) -> bool:
    """Count a failed sign-in whose password was already checked; True when it started a
    back-off (the account is locked for a while)."""
    claim = sign_in_claim(username=username, ip=ip)
    if claim.allowed:
        sign_in_failed(claim=claim)
    return claim.locked_now


@transaction.atomic
def login_succeeded(*, user: User, ip: str | None = None) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    if ip:  # the try claimed from the address was no failure
        SignInThrottle.objects.filter(key=f"ip:{ip}"[:200], failures__gt=0).update(
            failures=F("failures") - 1
        )
    audit.record(actor=user, action="login.success", obj=user, ip=ip)


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> None:
    """The user changes their own password; the current one must be given."""
    if not user.check_password(old_password):
        raise Invalid(_("The current password is wrong."), fields={"old_password": _("Wrong.")})
    _validated_password(new_password, user, "new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit.record(actor=user, action="password.change", obj=user)
