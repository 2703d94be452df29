from django.urls import path

from fulian.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.notice_create, name="notice_create"),
    path("<int:pk>/", views.notice_detail, name="notice"),
    path("<int:pk>/remind/", views.notice_remind, name="notice_remind"),
    path("<int:pk>/reply/", views.notice_reply, name="notice_reply"),
    path("<int:pk>/task-done/", views.notice_task_done, name="notice_task_done"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment"),
    path("replies/<int:pk>/file/", views.reply_file, name="reply_file"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/start/", views.round_start, name="round_start"),
    path("rounds/<int:pk>/export.xlsx", views.round_export, name="round_export"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/refresh/", views.report_refresh, name="report_refresh"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("reports/<int:pk>/reopen/", views.report_reopen, name="report_reopen"),
    path("reports/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
]
