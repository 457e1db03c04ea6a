import pytest
from django.contrib import admin
from django.test import Client

from kefu.org.models import User

APPS = {"contact", "quality", "reports"}


@pytest.mark.django_db
def test_configuration_tables_are_editable_in_the_admin():
    superuser = User.objects.create_superuser("root_admin", "root@bank.example", "Root@Pass12345")
    client = Client()
    client.force_login(superuser)
    models = [m for m in admin.site._registry if m._meta.app_label in APPS]
    assert len(models) >= 14
    for model in models:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
        assert client.get(url + "add/").status_code == 200, url
