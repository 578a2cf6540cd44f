from django.urls import path

from kefu.training import views, views_evaluation, views_library, views_plans

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
]
