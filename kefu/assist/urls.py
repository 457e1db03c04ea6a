from django.urls import path

from . import views

app_name = "assist"
URL_PREFIX = "assist/"

urlpatterns = [
    path("hot-topics/", views.hot_topics, name="hot_topics"),
    path("triage/", views.triage_try, name="triage"),
]
