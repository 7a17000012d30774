"""Public guide URLs, mounted at /guides/ (no login, on purpose)."""

from django.urls import path

from . import public

app_name = "guides"
urlpatterns = [
    path("", public.index, name="index"),
    path("bundles/<int:pk>/", public.bundle, name="bundle"),
    path("materials/<int:pk>/<str:kind>/", public.material_file, name="material-file"),
    path("<str:code>/", public.guide, name="item"),
    path("<str:code>/guide.docx", public.guide_docx, name="docx"),
    path("<str:code>/guide.pdf", public.guide_pdf, name="pdf"),
    path("<str:code>/v<int:number>/result-sample", public.result_sample, name="result-sample"),
]
