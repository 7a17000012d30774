from django.urls import path

from . import views

app_name = "enforcement"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("queue/review/", views.queue_review, name="queue_review"),
    path("queue/head/", views.queue_head, name="queue_head"),
    path("queue/rereview/", views.queue_rereview, name="queue_rereview"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.case_act, name="act"),
    path("<int:pk>/documents/<int:doc_id>.<str:fmt>", views.document_download, name="document"),
    path("<int:pk>/records/<int:record_id>/files/<int:file_id>/", views.file_download, name="file"),
    path("baselines/", views.baseline_list, name="baselines"),
    path("baselines/<int:pk>/", views.baseline_detail, name="baseline"),
    path("mine/", views.my_cases, name="my_cases"),
    path("mine/<int:pk>/", views.my_case, name="my_case"),
    path("mine/<int:pk>/act/<str:action>/", views.my_case_act, name="my_case_act"),
    path("mine/<int:pk>/documents/<int:doc_id>.<str:fmt>", views.my_document, name="my_document"),
    path("public/baselines/", views.public_baselines, name="public_baselines"),
    path("public/baselines/<int:pk>/", views.public_baseline, name="public_baseline"),
    path("public/decisions/", views.public_decisions, name="public_decisions"),
]
