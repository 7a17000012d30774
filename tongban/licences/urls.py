from django.urls import path

from . import views

app_name = "licences"

urlpatterns = [
    path("", views.licence_list, name="list"),
    path("types/", views.type_list, name="types"),
    path("types/new/", views.type_edit, name="type_new"),
    path("types/<int:pk>/", views.type_edit, name="type_edit"),
    path("<int:pk>/", views.licence_detail, name="detail"),
    path("<int:pk>/revoke/", views.licence_revoke, name="revoke"),
    path("<int:pk>/download.<str:fmt>", views.licence_download, name="download"),
    path("mine/", views.my_licences, name="mine"),
    path("mine/<int:pk>/", views.my_licence, name="my_detail"),
    path("check/<str:code>/", views.licence_check, name="check"),
    path("verify/", views.licence_verify_upload, name="verify"),
    path("keys/<str:key_id>.pem", views.key_pem, name="key_pem"),
    path("keys/org/<str:org_code>.pem", views.organisation_key_pem, name="org_key_pem"),
    path("reuse/<int:version_id>/", views.reuse_check, name="reuse_check"),
]
