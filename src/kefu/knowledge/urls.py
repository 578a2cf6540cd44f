from django.urls import path

from kefu.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.article_list, name="articles"),
    path("new/", views.article_create, name="article_create"),
    path("import/", views.kb_import, name="import"),
    path("export/", views.kb_export, name="export"),
    path("<int:article_id>/", views.article_detail, name="article"),
    path("<int:article_id>/edit/", views.article_edit, name="article_edit"),
    path("<int:article_id>/versions/<int:number>/", views.article_diff, name="article_diff"),
    path("<int:article_id>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "<int:article_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("phrases/", views.phrase_list, name="phrases"),
    path("phrases/<int:phrase_id>/use/", views.phrase_use, name="phrase_use"),
    path("phrase-sets/<int:set_id>/switch/", views.phrase_set_switch, name="phrase_set_switch"),
    path("assist/", views.assist, name="assist"),
    path("assist/suggest/", views.assist_suggest, name="assist_suggest"),
    path("assist/shortcut/", views.assist_shortcut, name="assist_shortcut"),
    path("assist/check/", views.assist_check, name="assist_check"),
    path("language/", views.language_rules, name="language"),
    path("dictionary/", views.dictionary, name="dictionary"),
]
