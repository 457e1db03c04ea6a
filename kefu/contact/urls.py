from django.urls import path

from . import views, views_workforce

app_name = "contact"
URL_PREFIX = ""

urlpatterns = [
    path("contact/desktop/", views.desktop, name="desktop"),
    path("contact/desktop/panel/", views.desktop_panel, name="desktop_panel"),
    path("contact/desktop/state/", views.set_state, name="set_state"),
    path("contact/interactions/<int:pk>/chat/", views.agent_chat, name="agent_chat"),
    path("contact/interactions/<int:pk>/<str:action>/", views.interaction_action, name="interaction_action"),
    path("contact/wallboard/", views.wallboard_page, name="wallboard"),
    path("contact/wallboard/partial/", views.wallboard_partial, name="wallboard_partial"),
    path("contact/staffing/", views.staffing, name="staffing"),
    path("contact/staffing/forecast/", views_workforce.forecast, name="forecast"),
    path("contact/roster/", views_workforce.roster, name="roster"),
    path("contact/roster/swaps/", views_workforce.swap_request, name="swap_request"),
    path("contact/roster/swaps/<int:pk>/decide/", views_workforce.swap_decide, name="swap_decide"),
    path("contact/recordings/<int:pk>/play/", views.play_recording, name="play_recording"),
    path("chat/widget/", views.chat_widget, name="chat_widget"),
    path("chat/widget/start/", views.chat_start, name="chat_start"),
]
