from django.urls import path

from fulian.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/reveal/", views.person_reveal, name="reveal"),
    path("find/", views.person_find, name="find"),
    path("<int:pk>/transfer/", views.person_transfer, name="transfer"),
    path("<int:pk>/positions/new/", views.position_add, name="position_add"),
    path("positions/<int:pk>/end/", views.position_end, name="position_end"),
    path("org/<int:pk>/roster/", views.roster_page, name="roster"),
    path("org/<int:pk>/term/", views.term_add, name="term_add"),
    path("org/<int:pk>/grids/new/", views.grid_create, name="grid_create"),
    path("terms/due/", views.terms_due, name="terms_due"),
    path("grids/", views.grid_list, name="grids"),
    path("grids/dual/", views.dual, name="dual"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/template.xlsx", views.import_template, name="template"),
    path("export.xlsx", views.export, name="export"),
    path("tags/", views.tags, name="tags"),
    path("congresses/", views.congress_list, name="congresses"),
    path("congresses/new/", views.congress_create, name="congress_create"),
    path("congresses/<int:pk>/", views.congress_detail, name="congress"),
    path("congresses/<int:pk>/delegates/new/", views.delegate_add, name="delegate_add"),
    path("congresses/<int:pk>/targets/", views.target_set, name="target_set"),
    path("congresses/<int:pk>/elections/new/", views.election_create, name="election_create"),
    path("elections/<int:pk>/", views.election_detail, name="election"),
    path("elections/<int:pk>/candidates/", views.candidate_add, name="candidate_add"),
    path("candidates/<int:pk>/remove/", views.candidate_remove, name="candidate_remove"),
    path("elections/<int:pk>/tally/", views.election_tally, name="election_tally"),
    path("elections/<int:pk>/count/", views.election_count, name="election_count"),
    path("elections/<int:pk>/confirm/", views.election_confirm, name="election_confirm"),
    path("elections/<int:pk>/reopen/", views.election_reopen, name="election_reopen"),
    path("elections/<int:pk>/result.xlsx", views.election_xlsx, name="election_xlsx"),
    path("elections/<int:pk>/print/", views.election_print, name="election_print"),
]
