from django.urls import path

from kefu.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.questionnaire_list, name="questionnaires"),
    path("new/", views.questionnaire_new, name="questionnaire_new"),
    path("<int:pk>/", views.questionnaire_detail, name="questionnaire"),
    path("<int:pk>/questions/", views.question_add, name="question_add"),
    path(
        "<int:pk>/questions/<int:question_id>/<str:action>/",
        views.question_change,
        name="question_change",
    ),
    path("invitations/", views.invitation_list, name="invitations"),
    path("results/", views.results, name="results"),
    path("targets/", views.target_save, name="targets"),
    path("callbacks/<int:callback_id>/", views.callback_answer, name="callback"),
    path("s/<str:token>/", views.answer, name="answer"),
]
