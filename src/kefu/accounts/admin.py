"""Accounts in the Django admin, read-only: changes go through the organisation pages, whose
services validate placement and write the audit log."""

from __future__ import annotations

from django.contrib import admin

from kefu.accounts.models import ApiToken, BusinessLine, Department, Team, User


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BusinessLine)
class BusinessLineAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "industry", "is_active")


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ("name", "business_line", "is_active")
    list_select_related = ("business_line",)


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ("name", "department", "business_line", "is_active")
    list_select_related = ("department", "business_line")


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "display_name", "role", "team", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name")
    list_select_related = ("team",)
    exclude = ("password",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    exclude = ("key_hash",)
