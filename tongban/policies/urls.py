from django.urls import path

from . import views, views_profiles, views_public

app_name = "policies"
urlpatterns = [
    # staff
    path("", views.policy_list, name="list"),
    path("new/", views.policy_edit, name="create"),
    path("<int:pk>/", views.policy_detail, name="detail"),
    path("<int:pk>/edit/", views.policy_edit, name="edit"),
    path("<int:pk>/rule/", views.rule_edit, name="rule"),
    path("<int:pk>/rule/preview/", views.rule_preview, name="rule_preview"),
    path("<int:pk>/act/<str:action>/", views.policy_action, name="act"),
    path("<int:pk>/explain/<int:profile_id>/", views.explain_view, name="explain"),
    path("matches/<int:pk>/grant/", views.match_grant, name="grant"),
    path("runs/", views.runs, name="runs"),
    path("import/", views.import_view, name="import"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("profiles/", views.profile_list, name="profiles"),
    path("profiles/tags/", views.tag_create, name="tag_create"),
    path("profiles/<int:pk>/", views_profiles.profile_detail, name="profile"),
    path("profiles/<int:pk>/edit/", views_profiles.profile_edit, name="profile_edit"),
    path("profiles/<int:pk>/projects/", views_profiles.project_add, name="project_add"),
    # enterprise
    path("mine/", views_public.my_policies, name="mine"),
    path("mine/<int:pk>/claim/", views_public.my_claim, name="claim"),
    # public
    path("public/", views_public.policy_index, name="public_index"),
    path("public/finder/", views_public.finder, name="finder"),
    path("public/<int:pk>/", views_public.public_policy, name="public"),
    path("public/fee/", views_public.fee_calculator, name="fee"),
]
