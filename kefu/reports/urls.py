from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_page, name="report"),
    path("exports/", views.start_export, name="start_export"),
    path("exports/<int:pk>/", views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views.download, name="download"),
    path("schedules/", views.schedules, name="schedules"),
]
