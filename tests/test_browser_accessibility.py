"""axe-core on the key pages of each main role, in Chromium, over the demo school: any serious or critical
violation of WCAG 2.2 A/AA fails.

axe-core comes from npm at install time (package.json, devDependencies) and is read from node_modules, never a
CDN. The pages refuse inline and foreign scripts (CSP), so only this test's browser context bypasses the policy
to inject it.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from conftest import verified_client
from pastoral.models import Pupil, User

pytestmark = pytest.mark.browser

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING = {"serious", "critical"}


def _pages(pupil):
    profile = reverse("pastoral:pupil_detail", args=[pupil.code])
    return {
        "teacher.northfield": [
            reverse("pastoral:home"),
            reverse("pastoral:pupil_list"),
            profile,
            reverse("behaviour:quick_log"),
            reverse("safeguarding:concern_create"),
        ],
        "pastorallead.northfield": [
            reverse("pastoral:home"),
            reverse("behaviour:event_list"),
            reverse("behaviour:analytics"),
            reverse("pastoral:attendance_lists"),
            reverse("provision:plan_list"),
            profile,
        ],
        "dsl.northfield": [
            reverse("pastoral:home"),
            reverse("safeguarding:dashboard"),
            reverse("safeguarding:concern_list"),
            profile,
        ],
        "head.northfield": [
            reverse("pastoral:home"),
            reverse("behaviour:analytics"),
            reverse("pastoral:audit_log"),
            reverse("pastoral:termly_report"),
        ],
    }


def _violations(page):
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations", TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[node['target'] for node in v['nodes'][:3]]}"
        for v in result
        if v["impact"] in FAILING
    ]


def test_key_pages_of_each_role_have_no_serious_accessibility_failures(live_server, browser, transactional_db):
    from pastoral.demo import seed_demo

    assert AXE.exists(), "axe-core is installed from package.json by `make install`"
    seed_demo()
    pupil = Pupil.objects.filter(school__name="Northfield Academy").order_by("legal_last_name").first()
    failures = {}
    for username, paths in _pages(pupil).items():
        context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 768})
        client = verified_client(Client(), User.objects.get(username=username))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, (username, path, response.status)
            found = _violations(page)
            if found:
                failures[f"{username} {path}"] = found
        context.close()
    assert failures == {}, "\n".join(f"{where}: {found}" for where, found in failures.items())
