from django.urls import path

from . import views

app_name = "customers"
URL_PREFIX = "customers/"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/unmask/", views.unmask, name="unmask"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/notes/", views.add_note, name="add_note"),
    path("<int:pk>/changes/", views.request_change, name="request_change"),
    path("<int:pk>/consents/", views.add_consent, name="add_consent"),
    path("<int:pk>/flag/", views.flag, name="flag"),
    path("consents/<int:consent_id>/withdraw/", views.withdraw_consent, name="withdraw_consent"),
    path("changes/", views.pending_changes, name="pending_changes"),
    path("changes/<int:change_id>/approve/", views.decide_change, {"decision": "approve"}, name="approve_change"),
    path("changes/<int:change_id>/reject/", views.decide_change, {"decision": "reject"}, name="reject_change"),
    path("cases/", views.cases, name="cases"),
    path("cases/<str:number>/", views.case_detail, name="case_detail"),
    path("empty/", views.empty, name="empty"),
]
