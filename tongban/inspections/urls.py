from django.urls import path

from . import views, views_public

app_name = "inspections"

urlpatterns = [
    path("", views.plans, name="plans"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/commit/", views.task_commit, name="task_commit"),
    path("draws/<int:pk>/<str:action>/", views.draw_act, name="draw_act"),
    path("directory/", views.directory, name="directory"),
    path("directory/template.xlsx", views.import_template, name="import_template"),
    path("mine/", views.mine, name="mine"),
    path("approvals/", views.approvals, name="approvals"),
    path("supervision/", views.supervision_page, name="supervision"),
    path("i/<int:pk>/", views.inspection_detail, name="inspection"),
    path("i/<int:pk>/act/<str:action>/", views.inspection_act, name="inspection_act"),
    path("i/<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("withdrawals/<int:pk>/decide/", views.withdrawal_decide, name="withdrawal_decide"),
    path("company/", views.my_company, name="my_company"),
    path("company/<int:pk>/withdraw/", views.my_company_withdraw, name="my_company_withdraw"),
    # public on purpose (双随机一公开): commitments, draws, results, exports, notice verification
    path("public/", views_public.index, name="public_index"),
    path("public/draws/<int:pk>/", views_public.draw_page, name="public_draw"),
    path("public/draws/<int:pk>.json", views_public.draw_json, name="public_draw_file"),
    path("public/tasks/<int:pk>/", views_public.task_results, name="public_task"),
    path("public/enterprises/<str:uscc>/", views_public.enterprise_results, name="public_enterprise"),
    path("public/results.<str:fmt>", views_public.results_export, name="public_export"),
    path("verify/<str:code>/", views_public.verify, name="verify"),
]
