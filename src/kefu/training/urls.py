from django.urls import path

from kefu.training import views

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
]
