from django.urls import path

from . import views

app_name = "knowledge"
# Staff pages live under /knowledge/, the public FAQ under /faq/ (exempt from login and MFA).
URL_PREFIX = ""

urlpatterns = [
    path("knowledge/", views.home, name="home"),
    path("knowledge/results/", views.results, name="results"),
    path("knowledge/assist/", views.assist, name="assist"),
    path("knowledge/review/", views.review, name="review"),
    path("knowledge/articles/new/", views.new_article, name="new"),
    path("knowledge/articles/<int:pk>/", views.article, name="article"),
    path("knowledge/articles/<int:pk>/edit/", views.edit_article, name="edit"),
    path("knowledge/articles/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("knowledge/articles/<int:pk>/used/", views.mark_used, name="used"),
    path("knowledge/articles/<int:pk>/attachments/", views.upload_attachment, name="attachment_upload"),
    path("knowledge/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("knowledge/versions/<int:pk>/", views.version, name="version"),
    path("knowledge/versions/<int:pk>/edit/", views.edit_version, name="version_edit"),
    path("knowledge/versions/<int:pk>/transition/", views.transition, name="transition"),
    path("faq/", views.faq, name="faq"),
    path("faq/results/", views.faq_results, name="faq_results"),
    path("faq/<int:pk>/", views.faq_article, name="faq_article"),
    path("faq/<int:pk>/feedback/", views.faq_feedback, name="faq_feedback"),
    path("faq/attachments/<int:pk>/", views.faq_attachment, name="faq_attachment"),
]
