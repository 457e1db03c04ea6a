"""Fixtures shared by every app's tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from hypothesis.configuration import set_hypothesis_home_dir

from kefu.common.testing import ApiClient, make_user

# Property tests: caches under var/ (git-ignored), no example database, no wall-clock deadline on a busy
# 2-core machine.
set_hypothesis_home_dir(Path(__file__).resolve().parent / "var" / "hypothesis")
hypothesis_settings.register_profile("kefu", database=None, deadline=None)
hypothesis_settings.load_profile("kefu")

# Browser fixtures (browser, page) for every app's @pytest.mark.browser tests; see kefu/common/browser.py.
pytest_plugins = ["kefu.common.browser"]


@pytest.fixture
def org_tree(db):
    """The demo organisation (units only): head office, departments, center, 2 branches, 6 outlets."""
    from kefu.org.demo import UNITS
    from kefu.org.models import Unit
    from kefu.org.services import create_unit, sync_roles

    sync_roles()
    units: dict[str, Unit] = {}
    for code, name, kind, parent, flags in UNITS:
        units[code] = create_unit(actor=None, code=code, name=name, kind=kind,
                                  parent=units[parent] if parent else None, **flags)
    return units


@pytest.fixture
def user_factory(db):
    def factory(username: str, roles=(), unit=None, **extra):
        return make_user(username, roles=roles, unit=unit, **extra)

    return factory


@pytest.fixture
def agent(org_tree, user_factory):
    return user_factory("agent_t", roles=["agent"], unit=org_tree["CC"])


@pytest.fixture
def api_client():
    return ApiClient


@pytest.fixture(autouse=True)
def _reset_axes_cache(settings):
    from django.core.cache import cache

    from kefu.common import refcache

    cache.clear()
    refcache.clear()  # reference rows cached by an earlier test may have been rolled back
    yield



TRANSACTIONAL_FIXTURES = ("transactional_db", "live_server", "asgi_live_server")


def pytest_collection_modifyitems(config, items):
    """Transactional tests (live servers, real commits) flush the database when they end, which would also
    remove the reference data that migrations seed (holiday calendar, deadline policies, JR/T table,
    templates). Serialized rollback restores that data before each of them, so no test depends on order."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        transactional = kwargs.get("transaction") or any(f in item.fixturenames for f in TRANSACTIONAL_FIXTURES)
        if transactional and not kwargs.get("serialized_rollback"):
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture(autouse=True)
def _calendar_after_flush(request):
    """Belt and braces for the above: the holiday calendar and deadline policies are the one set of
    reference data migrations seed; a transactional test that finds them missing gets them back."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        from django.contrib.contenttypes.models import ContentType

        from kefu.calendar.models import DeadlinePolicy

        # Content types were flushed and restored: never trust ids cached by an earlier test.
        ContentType.objects.clear_cache()

        if not DeadlinePolicy.objects.exists():
            from kefu.calendar.setup import seed

            seed()
    yield
