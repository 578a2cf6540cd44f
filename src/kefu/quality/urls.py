from django.urls import path

from kefu.quality import views, views_cycle, views_delphi

app_name = "quality"
urlpatterns = [
    path("", views.index, name="index"),
    path("scorecards/", views.scorecards, name="scorecards"),
    path("scorecards/deduct/", views.deduct, name="deduct"),
    path("scorecards/<int:pk>/", views.scorecard, name="scorecard"),
    path("scorecards/<int:pk>/sign/", views.scorecard_sign, name="scorecard_sign"),
    path("scorecards/<int:pk>/adjust/", views.scorecard_adjust, name="scorecard_adjust"),
    path("rankings/", views.rankings, name="rankings"),
    path("rankings/rank/", views.rank, name="rank"),
    path("rankings/<int:pk>/publish/", views.rank_publish, name="rank_publish"),
    path("rankings/ledger.xlsx", views.ledger_export, name="ledger_export"),
    path("penalties/", views.penalties, name="penalties"),
    path("penalties/build/", views.penalties_build, name="penalties_build"),
    path("penalties/<int:pk>/advance/", views.penalties_advance, name="penalties_advance"),
    path("penalties/<int:pk>.xlsx", views.penalties_export, name="penalties_export"),
    path("kpi/", views.kpi, name="kpi"),
    path("cycles/", views_cycle.cycles, name="cycles"),
    path("cycles/new/", views_cycle.cycle_create, name="cycle_create"),
    path("cycles/<int:pk>/", views_cycle.cycle, name="cycle"),
    path("cycles/<int:pk>/advance/", views_cycle.cycle_advance, name="cycle_advance"),
    path("cycles/<int:pk>/goals/", views_cycle.cycle_goals, name="cycle_goals"),
    path("cycles/<int:pk>/indicators/", views_cycle.cycle_indicator, name="cycle_indicator"),
    path("cycles/<int:pk>/briefing/", views_cycle.cycle_briefing, name="cycle_briefing"),
    path("cycles/scores/<int:pk>/", views_cycle.cycle_score, name="cycle_score"),
    path("cycles/members/<int:pk>/interview/", views_cycle.cycle_interview, name="cycle_interview"),
    path("cycles/members/<int:pk>/results/", views_cycle.cycle_results, name="cycle_results"),
    path("delphi/", views_delphi.delphi, name="delphi"),
    path("delphi/new/", views_delphi.delphi_create, name="delphi_create"),
    path("delphi/<int:pk>/", views_delphi.delphi_study, name="delphi_study"),
    path("delphi/<int:pk>/rate/", views_delphi.delphi_rate, name="delphi_rate"),
    path("delphi/<int:pk>/weight/", views_delphi.delphi_weight, name="delphi_weight"),
]
