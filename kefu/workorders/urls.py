from django.urls import path

from . import views

app_name = "workorders"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.intake, name="intake"),
    path("triage/", views.triage_suggest, name="triage"),
    path("branch/", views.branch, name="branch"),
    path("board/", views.board, name="board"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/act/", views.act, name="act"),
    path("<str:number>/notes/", views.note_add, name="note_add"),
    path("<str:number>/attachments/", views.attachment_add, name="attachment_add"),
    path("<str:number>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
