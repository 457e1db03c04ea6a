"""Browser-test fixtures for every app: a headless Debian Chromium driven by Playwright against live_server.

Use them from any test module (fixtures are registered in the root ``conftest.py`` through
``pytest_plugins``)::

    import pytest
    from kefu.common.browser import login

    @pytest.mark.browser
    def test_agent_journey(page, live_server, org_tree, user_factory):
        user_factory("a1", roles=["agent"], unit=org_tree["CC"])
        login(page, live_server, "a1", "Test@Pass12345")
        ...

The browser is never downloaded: it must be Debian's ``/usr/bin/chromium`` (``scripts/install-browser.sh``).
"""
