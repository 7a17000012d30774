from django.urls import path

from . import public_views, staff_views, views

app_name = "appeals"

urlpatterns = [
    # requesters and the public
    path("new/", public_views.submit, name="submit"),
    path("receipt/", public_views.receipt, name="receipt"),
    path("places/", public_views.place_picker, name="place_picker"),
    path("track/", public_views.track, name="track"),
    path("mine/", public_views.my_appeals, name="my_appeals"),
    path("mine/<int:pk>/", public_views.my_appeal, name="my_appeal"),
    path("mine/<int:pk>/<str:action>/", public_views.my_appeal_act, name="my_appeal_act"),
    path("kb/", public_views.kb_search, name="kb_search"),
    path("kb/<int:pk>/", public_views.kb_article, name="kb_article"),
    # staff
    path("", views.appeal_list, name="list"),
    path("register/", views.register, name="register"),
    path("supervision/", views.supervision, name="supervision"),
    path("import/", staff_views.hotline_import, name="import"),
    path("<int:pk>/", views.appeal_detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.appeal_act, name="act"),
    path("<int:pk>/guidance/", staff_views.guidance_from_appeal, name="guidance"),
    path("knowledge/", staff_views.kb_list, name="kb_list"),
    path("knowledge/new/", staff_views.kb_edit, name="kb_new"),
    path("knowledge/<int:pk>/", staff_views.kb_edit, name="kb_edit"),
    path("knowledge/<int:pk>/read/", staff_views.kb_read, name="kb_read"),
    path("knowledge/<int:pk>/state/", staff_views.kb_state, name="kb_state"),
    path("config/", staff_views.rules, name="rules"),
    path("config/rules/new/", staff_views.rule_edit, name="rule_new"),
    path("config/rules/<int:pk>/", staff_views.rule_edit, name="rule_edit"),
]
