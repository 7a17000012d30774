from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.rating_list, name="list"),
    path("metrics/", views.metrics, name="metrics"),
    path("limits/", views.limits, name="limits"),
    path("windows/", views.windows, name="windows"),
    path("windows/<int:window_id>/pad/", views.window_pad, name="window_pad"),
    path("rate/case/<int:case_id>/", views.rate_case, name="rate_case"),
    path("rate/appeal/<int:appeal_id>/", views.rate_appeal, name="rate_appeal"),
    path("rate/appeal/", views.rate_appeal_code, name="rate_appeal_code"),
    path("public/", views.public_index, name="public"),
    path("public/org/<int:pk>/", views.public_org, name="public_org"),
    path("public/item/<int:pk>/", views.public_item, name="public_item"),
    path("<int:pk>/", views.rating_detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.rating_act, name="act"),
]
