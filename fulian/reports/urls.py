from django.urls import path

from fulian.reports import views

app_name = "reports"

urlpatterns = [
    path("workbook/", views.workbook_page, name="workbook"),
    path("summary/", views.summary_page, name="summary"),
    path("summary/download/", views.summary_download, name="summary_download"),
    path("summary/jobs/", views.summary_job_start, name="job_start"),
    path("summary/jobs/<uuid:pk>/", views.job_detail, name="job"),
    path("summary/jobs/<uuid:pk>/file/", views.job_file, name="job_file"),
    path("summary/template.docx", views.template_builtin, name="template_builtin"),
    path("summary/templates/", views.template_upload, name="template_upload"),
    path("summary/templates/<int:pk>/", views.template_file, name="template_file"),
    path("summary/templates/<int:pk>/activate/", views.template_activate, name="template_activate"),
    path("todo/checkins/", views.checkins, name="checkins"),
]
