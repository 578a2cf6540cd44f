"""Public help pages, mounted at /help/ (no login): path("help/", include("kefu.knowledge.public_urls"))."""

from django.urls import path

from kefu.knowledge import views

app_name = "help"
urlpatterns = [
    path("<slug:line>/", views.help_home, name="home"),
    path("<slug:line>/<slug:slug>/", views.help_article, name="article"),
    path("<slug:line>/<slug:slug>/feedback/", views.help_feedback, name="feedback"),
]
