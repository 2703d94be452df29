from django.urls import path

from fulian.venues import views

app_name = "venues"

urlpatterns = [
    path("", views.venue_list, name="list"),
    path("map/", views.venue_map, name="map"),
    path("export.xlsx", views.venue_export, name="export"),
    path("new/", views.venue_create, name="create"),
    path("<int:pk>/", views.venue_detail, name="detail"),
    path("<int:pk>/edit/", views.venue_edit, name="edit"),
    path("<int:pk>/model-site/", views.venue_model_site, name="model_site"),
    path("<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("<int:pk>/assess/", views.assess, name="assess"),
    path("photos/<int:pk>/", views.photo_file, name="photo"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("standards/", views.standards, name="standards"),
    path("standards/new/", views.standard_create, name="standard_create"),
    path("below-standard/", views.below_standard, name="below_standard"),
    path("not-assessed/", views.not_assessed, name="not_assessed"),
    path("find/", views.directory, name="directory"),
]
