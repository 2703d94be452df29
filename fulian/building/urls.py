from django.urls import path

from fulian.building import views

app_name = "building"

urlpatterns = [
    path("units/", views.units, name="units"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/export.xlsx", views.units_export, name="units_export"),
    path("units/import/", views.units_import, name="units_import"),
    path("units/import/confirm/", views.units_import_confirm, name="units_import_confirm"),
    path("units/import/template.xlsx", views.units_template, name="units_template"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/urge/", views.unit_urge, name="unit_urge"),
    path("units/<int:pk>/found/", views.unit_found, name="unit_found"),
    path("units/<int:pk>/exempt/", views.unit_exempt, name="unit_exempt"),
    path("units/<int:pk>/lift/", views.unit_lift, name="unit_lift"),
    path("visits/", views.visits, name="visits"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/findings/", views.finding_add, name="finding_add"),
    path("findings/<int:pk>/raise/", views.item_raise, name="item_raise"),
    path("items/", views.items, name="items"),
    path("items/overdue/", views.overdue, name="overdue"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/move/", views.item_move, name="item_move"),
    path("items/<int:pk>/evidence/", views.item_evidence, name="item_evidence"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
]
