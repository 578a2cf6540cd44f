from django.contrib.auth import views as auth_views
from django.urls import path

from kefu.accounts import calendar_views, org_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.me, name="me"),
    path("me/tokens/", views.token_create, name="token_create"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("password/", views.password_change, name="password_change"),
    # organisation administration (admins only)
    path("org/", org_views.org_home, name="org"),
    path("org/lines/", org_views.line_list, name="org_lines"),
    path("org/lines/<int:pk>/", org_views.line_detail, name="org_line"),
    path(
        "org/lines/<int:pk>/departments/",
        org_views.department_create,
        name="org_department_create",
    ),
    path("org/departments/<int:pk>/", org_views.department_edit, name="org_department"),
    path("org/departments/<int:pk>/teams/", org_views.team_create, name="org_team_create"),
    path("org/teams/<int:pk>/", org_views.team_edit, name="org_team"),
    path("org/users/", org_views.user_list, name="org_users"),
    path("org/users/new/", org_views.user_create, name="org_user_create"),
    path("org/users/<int:pk>/", org_views.user_edit, name="org_user"),
    path(
        "org/users/<int:pk>/password/",
        org_views.user_password_reset,
        name="org_user_password",
    ),
    path("org/audit/", org_views.audit_list, name="org_audit"),
]

# business calendar: the shared one (admins) and each line's (admins, the line's manager)
urlpatterns += [
    path("org/calendar/", calendar_views.calendar_global, name="org_calendar"),
    path("org/calendar/lines/<int:pk>/", calendar_views.calendar_line, name="org_calendar_line"),
]
