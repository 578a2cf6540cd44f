"""Read-only admin: knowledge changes go through the knowledge pages and API (services keep the
search index, versions and audit in step)."""

from django.contrib import admin

from kefu.knowledge.models import (
    Article,
    ArticleCategory,
    AutoReply,
    DictionaryWord,
    LanguageRule,
    PhraseSet,
    QuickReply,
    SynonymGroup,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ("title", "business_line", "status", "audience", "version", "updated_at")
    list_filter = ("business_line", "status", "audience")
    search_fields = ("title",)


@admin.register(QuickReply)
class QuickReplyAdmin(ReadOnlyAdmin):
    list_display = ("shortcut", "title", "category", "business_line", "phrase_set", "use_count")
    list_filter = ("business_line", "category")


@admin.register(LanguageRule)
class LanguageRuleAdmin(ReadOnlyAdmin):
    list_display = ("situation", "kind", "pattern", "suggestion", "is_active")


for model in (ArticleCategory, PhraseSet, DictionaryWord, SynonymGroup, AutoReply):
    admin.site.register(model, ReadOnlyAdmin)
