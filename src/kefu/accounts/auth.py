"""API authentication: ``Authorization: Bearer <token>``, or the signed-in browser session."""

from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from kefu.accounts.services import token_user


class BearerAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


API_AUTH = [BearerAuth(), SessionAuth()]
