from django.urls import path

from kefu.quality import views

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
]
