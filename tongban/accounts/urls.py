from django.contrib.auth import views as auth_views
from django.urls import path

from . import twofactor_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.after_login, name="after-login"),
    path("2fa/setup/", twofactor_views.setup, name="2fa-setup"),
    path("2fa/verify/", twofactor_views.verify, name="2fa-verify"),
    path("2fa/codes/", twofactor_views.codes, name="2fa-codes"),
    path("2fa/codes/new/", twofactor_views.regenerate, name="2fa-regenerate"),
    path("staff/organisations/", views.organisation_list, name="organisations"),
    path(
        "staff/organisations/<int:parent_id>/new/",
        views.organisation_create,
        name="organisation-create",
    ),
    path("staff/users/", views.user_list, name="users"),
    path("staff/users/new/", views.user_create, name="user-create"),
    path("staff/users/<int:pk>/", views.user_detail, name="user-detail"),
    path("staff/users/<int:pk>/roles/", views.user_roles, name="user-roles"),
    path("staff/users/<int:pk>/active/", views.user_active, name="user-active"),
    path("staff/tokens/", views.token_list, name="tokens"),
    path("staff/tokens/<int:pk>/issue/", views.token_issue, name="token-issue"),
    path("staff/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
