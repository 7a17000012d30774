from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.item_list, name="items"),
    path("new/", views.item_create, name="item-create"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/revise/", views.draft_start, name="draft-start"),
    path("items/<int:pk>/draft/", views.draft_edit, name="draft-edit"),
    path("items/<int:pk>/publish/", views.draft_publish, name="draft-publish"),
    path("items/<int:pk>/discard/", views.draft_discard, name="draft-discard"),
    path("items/<int:pk>/active/", views.item_active, name="item-active"),
    path("items/<int:pk>/standard/", views.item_standard, name="item-standard"),
    path("items/<int:pk>/v<int:number>/", views.version_detail, name="version"),
    path("items/<int:pk>/v<int:number>/result-sample/", views.result_sample, name="result-sample"),
    path("materials/<int:pk>/<str:kind>/", views.material_file, name="material-file"),
    path("consistency/", views.consistency, name="consistency"),
    path("bundles/", views.bundle_list, name="bundles"),
    path("bundles/new/", views.bundle_edit, name="bundle-create"),
    path("bundles/<int:pk>/", views.bundle_edit, name="bundle-edit"),
    path("import/", views.import_view, name="import"),
    path("export.<str:fmt>", views.export, name="export"),
]
