from django.urls import path

from . import views

app_name = "calendar"
URL_PREFIX = "calendar/"

urlpatterns = [
    path("", views.home, name="home"),
    path("calculate/", views.calculate, name="calculate"),
    path("import/", views.import_days, name="import"),
    path("years/<int:year>/publish/", views.publish, name="publish"),
    path("recomputations/", views.recomputations, name="recomputations"),
    path("recomputations/<int:pk>/review/", views.review, name="review"),
]
