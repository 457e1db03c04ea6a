from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/chat/<int:interaction_id>/", consumers.CustomerChatConsumer.as_asgi()),
    path("ws/contact/agent/", consumers.AgentDesktopConsumer.as_asgi()),
    path("ws/contact/wallboard/", consumers.WallboardConsumer.as_asgi()),
]
