from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("register/", views.register_walk_in, name="register"),
    path("supervision/", views.supervision, name="supervision"),
    path("progress/", views.progress, name="progress"),
    path("apply/<str:code>/", views.apply, name="apply"),
    path("mine/", views.my_cases, name="my_cases"),
    path("mine/<int:pk>/", views.my_case, name="my_case"),
    path("mine/<int:pk>/supplement/", views.my_case_supplement, name="my_case_supplement"),
    path("mine/<int:pk>/withdraw/", views.my_case_withdraw, name="my_case_withdraw"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.case_act, name="act"),
    path("<int:pk>/documents/<int:doc_id>.<str:fmt>", views.document_download, name="document"),
    path("<int:pk>/materials/<int:material_id>/", views.material_download, name="material"),
]
