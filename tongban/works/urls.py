from django.urls import path

from . import views

app_name = "works"

urlpatterns = [
    path("", views.registrations, name="registrations"),
    path("visits/", views.visits_due, name="visits_due"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("<int:pk>/", views.project_detail, name="project"),
    path("<int:pk>/act/<str:action>/", views.project_act, name="act"),
    path("<int:pk>/documents/<int:doc_id>.pdf", views.document_download, name="document"),
    path("<int:pk>/files/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("mine/", views.my_projects, name="my_projects"),
    path("mine/new/", views.my_project_new, name="my_project_new"),
    path("mine/<int:pk>/", views.my_project, name="my_project"),
    path("mine/<int:pk>/register/", views.my_project_register, name="my_project_register"),
    path("mine/<int:pk>/buildings/<int:building_id>/request/", views.my_building_request, name="my_building_request"),
]
