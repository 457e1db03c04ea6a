import pytest


@pytest.fixture(autouse=True)
def _fresh_calendar_index():
    """Each test sees the calendar of its own database state (rolled back between tests)."""
    from kefu.calendar.deadlines import reset_index

    reset_index()
    yield
    reset_index()


@pytest.fixture
def maintainer(org_tree, user_factory):
    return user_factory("cal_maint", roles=["system_maintainer"], unit=org_tree["CC"])


@pytest.fixture
def director(org_tree, user_factory):
    return user_factory("cal_director", roles=["center_director"], unit=org_tree["CC"])


@pytest.fixture
def subject(org_tree):
    """Any saved model works as a clock's subject; a unit is at hand in every database."""
    return org_tree["CC"]
