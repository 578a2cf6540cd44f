from django.urls import path

from kefu.workforce import setup_views, views

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
    # setup pages
    path("shifts/", setup_views.shift_templates, name="shift_templates"),
    path("shifts/<int:pk>/", setup_views.shift_template_edit, name="shift_template"),
    path(
        "shifts/<int:pk>/active/", setup_views.shift_template_active, name="shift_template_active"
    ),
    path("agents/", setup_views.agent_profiles, name="agent_profiles"),
    path("agents/<int:user_id>/", setup_views.agent_profile_edit, name="agent_profile"),
    path(
        "agents/<int:user_id>/active/",
        setup_views.agent_profile_active,
        name="agent_profile_active",
    ),
    path("leave/", setup_views.leaves, name="leaves"),
    path("leave/<int:pk>/", setup_views.leave_edit, name="leave"),
    path("leave/<int:pk>/delete/", setup_views.leave_delete, name="leave_delete"),
    path("groups/", setup_views.skill_groups, name="skill_groups"),
    path("groups/<int:pk>/", setup_views.skill_group_edit, name="skill_group"),
    path("peaks/<int:pk>/edit/", setup_views.peak_edit, name="peak_edit"),
    path(
        "peaks/<int:pk>/checklist/<int:item_id>/edit/",
        setup_views.peak_item_edit,
        name="peak_item_edit",
    ),
    path(
        "peaks/<int:pk>/borrowed/<int:staff_id>/remove/",
        setup_views.peak_borrowed_remove,
        name="peak_borrowed_remove",
    ),
    path("rosters/entered/", setup_views.roster_entered, name="roster_entered"),
]
