"""Root URLs: the API, the admin, and each app's ``urls.py`` (under ``URL_PREFIX``, default ``<app>/``)."""

import importlib

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from kefu.api import api

admin.site.site_header = "kefu 客服中心管理后台"
admin.site.site_title = "kefu 管理后台"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

for _app in settings.KEFU_APPS:
    try:
        _module = importlib.import_module(f"{_app}.urls")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"{_app}.urls":
            raise
        continue
    _prefix = getattr(_module, "URL_PREFIX", _app.rsplit(".", 1)[-1] + "/")
    urlpatterns.append(path(_prefix, include(_module)))
