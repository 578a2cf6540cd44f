from django.urls import path

from kefu.training import (
    views,
    views_chat,
    views_closed_book,
    views_competitions,
    views_drill,
    views_evaluation,
    views_library,
    views_library_edit,
    views_needs,
    views_plans,
)

app_name = "training"
urlpatterns = [
    path("", views.index, name="index"),
    path("requests/", views.requests, name="requests"),
    path("requests/new/", views.request_file, name="request_file"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/<str:action>/", views.request_act, name="request_act"),
    path("classes/", views.classes, name="classes"),
    path("classes/new/", views.class_create, name="class_create"),
    path("classes/<int:pk>/", views.class_detail, name="class"),
    path("classes/<int:pk>/enrol/", views.class_enrol, name="enrol"),
    path("exams/", views.exams, name="exams"),
    path("exams/<int:pk>/start/", views.exam_start, name="exam_start"),
    path("attempts/<int:pk>/", views.attempt, name="attempt"),
    path("typing/", views.typing, name="typing"),
    path("quick-reply/", views.quick_reply, name="quick_reply"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/record.xlsx", views.person_export, name="person_export"),
    path("library/", views_library.library, name="library"),
    path("library/new/", views_library.course_create, name="course_create"),
    path("library/<int:pk>/", views_library.course_detail, name="course"),
    path("projects/", views_library.projects, name="projects"),
    path("projects/new/", views_library.project_create, name="project_create"),
    path("projects/<int:pk>/", views_library.project_detail, name="project"),
    path("projects/<int:pk>/needs/", views_library.need_add, name="need_add"),
    path("projects/<int:pk>/<str:action>/", views_library.project_act, name="project_act"),
    path("classes/<int:pk>/evaluate/", views_evaluation.evaluate, name="evaluate"),
    path("satisfaction/", views_evaluation.satisfaction, name="satisfaction"),
    path(
        "satisfaction/certificates/",
        views_evaluation.trainer_certificate_add,
        name="trainer_certificate_add",
    ),
    path("plans/", views_plans.plan_list, name="plans"),
    path("plans/new/", views_plans.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views_plans.plan_detail, name="plan"),
    path("plans/<int:pk>/<str:action>/", views_plans.plan_act, name="plan_act"),
    path("attempts/<int:pk>/departures/", views_closed_book.departure, name="attempt_departure"),
    path("exams/new/", views.exam_create, name="exam_create"),
    path("exams/<int:pk>/attempts/", views_closed_book.exam_attempts, name="exam_attempts"),
    path("competitions/", views_competitions.competitions, name="competitions"),
    path("competitions/new/", views_competitions.competition_create, name="competition_create"),
    path("competitions/<int:pk>/", views_competitions.competition, name="competition"),
    path(
        "competitions/<int:pk>/<str:action>/",
        views_competitions.competition_act,
        name="competition_act",
    ),
]
urlpatterns += [
    path("needs/", views_needs.needs_board, name="needs"),
    path("needs/new/", views_needs.need_file, name="need_file"),
    path("needs/<int:pk>/<str:action>/", views_needs.need_review, name="need_review"),
]
urlpatterns += [
    path("chat/", views_chat.chat_tests, name="chat_tests"),
    path("chat/new/", views_chat.chat_script_create, name="chat_script_create"),
    path("chat/<int:pk>/start/", views_chat.chat_start, name="chat_start"),
    path("chat/attempts/<int:pk>/", views_chat.chat_attempt, name="chat_attempt"),
    path("chat/attempts/<int:pk>/answer/", views_chat.chat_answer, name="chat_answer"),
]
urlpatterns += [
    path("library/structure/", views_library_edit.structure, name="library_structure"),
    path("library/modules/new/", views_library_edit.module_create, name="library_module_create"),
    path("library/modules/<int:pk>/", views_library_edit.module_edit, name="library_module"),
    path(
        "library/modules/<int:pk>/archive/",
        views_library_edit.module_archive,
        name="library_module_archive",
    ),
    path("library/series/new/", views_library_edit.series_create, name="library_series_create"),
    path("library/series/<int:pk>/", views_library_edit.series_edit, name="library_series"),
    path(
        "library/series/<int:pk>/archive/",
        views_library_edit.series_archive,
        name="library_series_archive",
    ),
]
urlpatterns += [
    path("drills/", views_drill.drills, name="drills"),
    path("drills/new/", views_drill.drill_create, name="drill_create"),
    path("drills/<int:pk>/start/", views_drill.run_start, name="drill_start"),
    path("drills/<int:pk>/results/", views_drill.drill_results, name="drill_results"),
    path("drills/<int:pk>/workbench/", views_drill.workbench_run_create, name="drill_workbench"),
    path("drills/runs/<int:pk>/", views_drill.run_page, name="drill_run"),
    path("drills/runs/<int:pk>/close/", views_drill.ticket_close, name="drill_close"),
    path("drills/runs/<int:pk>/score/", views_drill.run_score, name="drill_score"),
]
