from django.contrib.auth.decorators import login_required
from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("", login_required(views.home), name="home"),
    path("evaluations/<int:pk>/", login_required(views.evaluation_detail), name="evaluation"),
    path("evaluations/<int:pk>/<str:action>/", login_required(views.evaluation_action), name="evaluation_action"),
    path("calibrations/<int:pk>/", login_required(views.calibration), name="calibration"),
]
