from django.urls import path

from kefu.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("samples/", views.sample_draw, name="sample_draw"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/score/", views.review_score, name="review_score"),
    path("reviews/<int:pk>/appeal/", views.review_appeal, name="review_appeal"),
    path("reviews/<int:pk>/decision/", views.review_decide, name="review_decide"),
    path("reviews/<int:pk>/reassign/", views.review_reassign, name="review_reassign"),
    path("forms/", views.form_list, name="forms"),
    path("forms/<int:pk>/", views.form_detail, name="form"),
    path("forms/<int:pk>/versions/", views.form_revise, name="form_revise"),
    path("calibration/", views.calibration_list, name="calibrations"),
    path("calibration/new/", views.calibration_create, name="calibration_create"),
    path("calibration/<int:pk>/", views.calibration_detail, name="calibration"),
    path("calibration/<int:pk>/score/", views.calibration_score, name="calibration_score"),
    path("subjects/", views.subject_list, name="subjects"),
    path("subjects/new/", views.subject_create, name="subject_create"),
    path("subjects/<int:pk>/", views.subject_detail, name="subject"),
    path("subjects/<int:pk>/inspect/", views.subject_inspect, name="subject_inspect"),
    path("quality/", views.quality, name="quality"),
    path("actions/", views.action_create, name="action_create"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
]
