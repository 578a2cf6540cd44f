from django.urls import path

from kefu.workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.index, name="index"),
    path("forecasts/", views.forecasts, name="forecasts"),
    path("forecasts/import/", views.forecast_import, name="forecast_import"),
    path("forecasts/<int:pk>/", views.forecast_detail, name="forecast"),
    path("rosters/", views.rosters, name="rosters"),
    path("rosters/<int:pk>/", views.roster_detail, name="roster"),
    path("rosters/<int:pk>/reoptimise/", views.roster_reoptimise, name="roster_reoptimise"),
    path("rosters/<int:pk>/export.xlsx", views.roster_export, name="roster_export"),
    path(
        "rosters/<int:pk>/cells/<int:user_id>/<str:date>/",
        views.roster_cell,
        name="roster_cell",
    ),
    path("my-schedule/", views.my_schedule, name="my_schedule"),
    path("peaks/", views.peaks, name="peaks"),
    path("peaks/<int:pk>/", views.peak_detail, name="peak"),
    path("peaks/<int:pk>/checklist/<int:item_id>/", views.peak_check, name="peak_check"),
    path("peaks/<int:pk>/borrowed/<int:staff_id>/", views.peak_training, name="peak_training"),
    path("peaks/<int:pk>/intraday/", views.peak_intraday, name="peak_intraday"),
    path("staffing/", views.staffing_calculator, name="staffing"),
]
