from django.urls import path

from . import views, views_public

app_name = "credit"

urlpatterns = [
    path("", views.record_list, name="records"),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("board/", views.board, name="board"),
    path("queue/", views.queue, name="queue"),
    path("repairs/<int:pk>/decide/", views.repair_decide, name="repair_decide"),
    path("objections/<int:pk>/decide/", views.objection_decide, name="objection_decide"),
    path("evaluations/", views.evaluations, name="evaluations"),
    path("evaluations/runs/<int:pk>/", views.run_detail, name="run"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("lists/", views.lists, name="lists"),
    path("commitments/", views.commitments, name="commitments"),
    path("import/", views.record_import, name="import"),
    path("export/", views.export, name="export"),
    path("query/", views_public.query, name="query"),
    path("query/report.pdf", views_public.report_pdf, name="report_pdf"),
    path("public/lists/", views_public.list_public, name="list_public"),
    path("public/grades/", views_public.grades_public, name="grades_public"),
    path("mine/", views_public.mine, name="mine"),
    path("mine/records/<int:pk>/repair/", views_public.repair_apply, name="repair_apply"),
    path("mine/objection/<str:target>/<int:pk>/", views_public.objection_submit, name="objection"),
]
