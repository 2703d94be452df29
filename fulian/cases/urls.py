from django.urls import path

from fulian.cases import views

app_name = "cases"

urlpatterns = [
    # public (no login)
    path("help/", views.public_form, name="public_form"),
    path("help/places/", views.public_places, name="public_places"),
    path("help/sent/", views.public_sent, name="public_sent"),
    path("help/status/", views.public_status, name="public_status"),
    # requests
    path("requests/", views.inbox, name="inbox"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/assign/", views.request_assign, name="request_assign"),
    path("requests/<int:pk>/reassign/", views.request_reassign, name="request_reassign"),
    path("requests/<int:pk>/start/", views.request_start, name="request_start"),
    path("requests/<int:pk>/reply/", views.request_reply, name="request_reply"),
    path("requests/<int:pk>/answer/", views.request_answer, name="request_answer"),
    path("requests/<int:pk>/reopen/", views.request_reopen, name="request_reopen"),
    path("requests/<int:pk>/close/", views.request_close, name="request_close"),
    path("requests/<int:pk>/phone/", views.request_phone, name="request_phone"),
    # cases
    path("", views.case_list, name="case_list"),
    path("new/", views.case_create, name="case_create"),
    path("export.xlsx", views.case_export, name="case_export"),
    path("stats/", views.stats, name="stats"),
    path("follow-ups/", views.followups, name="followups"),
    path("settings/", views.config, name="config"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/reason/", views.case_reason, name="case_reason"),
    path("<int:pk>/parties/", views.case_party, name="case_party"),
    path("<int:pk>/mediators/", views.case_mediator, name="case_mediator"),
    path("<int:pk>/sessions/", views.case_session, name="case_session"),
    path("<int:pk>/conclude/", views.case_conclude, name="case_conclude"),
    path("<int:pk>/resume/", views.case_resume, name="case_resume"),
    path("<int:pk>/close/", views.case_close, name="case_close"),
    path("<int:pk>/agreement/", views.case_agreement, name="case_agreement"),
    path("<int:pk>/agreement.docx", views.case_agreement_docx, name="case_agreement_docx"),
    path("<int:pk>/referrals/", views.case_refer, name="case_refer"),
    path("parties/<int:pk>/reveal/", views.party_reveal, name="party_reveal"),
    path("follow-ups/<int:pk>/", views.followup_done, name="followup_done"),
    path("referrals/<int:pk>/answer/", views.referral_answer, name="referral_answer"),
]
