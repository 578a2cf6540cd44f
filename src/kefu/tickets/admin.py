"""Tickets in the Django admin: read-only (every ticket write goes through tickets.services, so it
is versioned, on the timeline and audited); categories stay editable for administrators."""

from __future__ import annotations

from django.contrib import admin

from kefu.tickets.models import Attachment, Category, SavedView, Ticket, TicketEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    fields = ("created_at", "actor", "kind", "field", "before", "after")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "title",
        "status",
        "type",
        "priority",
        "team",
        "assignee",
        "first_owner",
        "created_at",
        "due_at",
    )
    list_filter = ("status", "type", "priority", "channel", "business_line")
    search_fields = ("=number", "title")
    list_select_related = ("team", "assignee", "first_owner")
    raw_id_fields = ("customer", "vehicle", "property_unit", "order", "category")
    date_hierarchy = "created_at"
    inlines = [TicketEventInline]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("search_text", "description")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "business_line", "is_active")
    list_filter = ("business_line", "is_active")
    search_fields = ("name",)
    list_select_related = ("parent", "business_line")
    raw_id_fields = ("parent",)


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("name", "ticket", "size", "content_type", "uploaded_by", "created_at")
    list_select_related = ("ticket", "uploaded_by")
    raw_id_fields = ("ticket", "message")


@admin.register(SavedView)
class SavedViewAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "query", "updated_at")
    list_select_related = ("user",)
