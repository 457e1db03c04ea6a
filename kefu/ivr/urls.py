from django.urls import path

from . import views

app_name = "ivr"
URL_PREFIX = "ivr/"

urlpatterns = [
    path("softphone/", views.softphone, name="softphone"),
    path("calls/", views.calls, name="calls"),
    path("handoff/<str:call_id>/", views.handoff, name="handoff"),
    path("prompts/<str:stem>.wav", views.prompt_audio, name="prompt_audio"),
]
