from django.urls import path

from . import views

app_name = "bundles"

urlpatterns = [
    path("apply/<str:code>/", views.bundle_apply, name="apply"),
    path("mine/", views.my_bundles, name="mine"),
    path("mine/<int:pk>/", views.my_bundle, name="my_detail"),
    path("mine/<int:pk>/supplement/", views.my_bundle_supplement, name="my_supplement"),
]
