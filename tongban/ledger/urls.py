from django.urls import path

from .views import assessment as a
from .views import public as pub
from .views import staff as s

app_name = "ledger"

urlpatterns = [
    path("", s.index, name="index"),
    path("campaign/<int:pk>/", s.board, name="board"),
    path("campaign/<int:pk>/act/<str:action>/", s.campaign_act, name="campaign_act"),
    path("campaign/<int:pk>/inspection-results/", s.inspection_results, name="inspection_results"),
    path("campaign/<int:pk>/export.<str:fmt>", s.export, name="export"),
    path("filing/<int:pk>.<str:fmt>", s.filing_download, name="filing"),
    path("import/template.xlsx", s.import_template, name="import_template"),
    path("import/<int:pk>/", s.import_job, name="import_job"),
    path("problem/<int:pk>/", s.problem, name="problem"),
    path("problem/<int:pk>/act/<str:action>/", s.problem_act, name="problem_act"),
    path("convert/", s.convert, name="convert"),
    path("evidence/<int:pk>/file/", s.evidence_file, name="evidence_file"),
    path("tasks/", s.tasks, name="tasks"),
    path("signoff/", s.signoff, name="signoff"),
    path("recheck/<int:pk>/", s.recheck, name="recheck"),
    path("consultation/<int:pk>/", s.consultation, name="consultation"),
    path("consultation/<int:pk>/file/", s.consultation_file, name="consultation_file"),
    path("surveys/", pub.surveys, name="surveys"),
    path("surveys/<int:pk>/", pub.survey, name="survey"),
    path("surveys/<int:pk>/results.xlsx", pub.survey_xlsx, name="survey_xlsx"),
    path("s/<int:pk>/", pub.survey_answer, name="survey_answer"),
    path("public/", pub.public_index, name="public_index"),
    path("public/<int:pk>/", pub.public_campaign, name="public_campaign"),
    path("mine/", pub.my_problems, name="my_problems"),
    path("mine/<int:pk>/answer/", pub.my_problem_answer, name="my_problem_answer"),
    path("assessment/", a.assessment, name="assessment"),
    path("assessment/run/<int:pk>/", a.run, name="run"),
    path("assessment/point/<int:pk>/", a.point, name="point"),
]
