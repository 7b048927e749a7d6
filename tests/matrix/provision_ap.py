"""Alternative provision: the AP coordinator and headteacher keep it; the pastoral team and DSL read it; teachers and
IT admins see nothing; the provider portal answers only provider accounts (see test_ap_provider_portal_matrix)."""

from django.utils import timezone

from conftest import make_staff
from pastoral.accounts.roles import Role
from provision.ap import services
from provision.tests.ap_factories import make_placement, make_provider, pdf_upload
from tests.matrix import POST_ONLY, statuses

VIEWERS = statuses(302, 403, 200, 200, 200, 403, 200)
MANAGERS = statuses(302, 403, 403, 403, 200, 403, 403)
RECORD_VIEWERS = statuses(302, 403, 200, 200, 200, 403, 404)
RECORD_MANAGERS = statuses(302, 403, 403, 403, 200, 403, 404)
TRUST_PROVIDER = statuses(302, 403, 200, 200, 200, 403, 200)
PROVIDER_MANAGERS = statuses(302, 403, 403, 403, 200, 403, 403)
PORTAL = statuses(302, 403, 403, 403, 403, 403, 403)
NOBODY_HERE = statuses(302, 403, 403, 403, 403, 403, 403)
PROVIDER = ("ap_provider",)
PLACEMENT = ("ap_placement",)
ROWS = [
    ("provision:ap_dashboard", (), VIEWERS),
    ("provision:ap_settings", (), MANAGERS),
    ("provision:ap_trust", (), NOBODY_HERE),
    ("provision:ap_provider_list", (), VIEWERS),
    ("provision:ap_provider_create", (), MANAGERS),
    ("provision:ap_provider_detail", PROVIDER, TRUST_PROVIDER),
    ("provision:ap_provider_edit", PROVIDER, PROVIDER_MANAGERS),
    ("provision:ap_site_create", PROVIDER, PROVIDER_MANAGERS),
    ("provision:ap_check_create", PROVIDER, PROVIDER_MANAGERS),
    ("provision:ap_check_document", ("ap_provider", "ap_check"), TRUST_PROVIDER),
    ("provision:ap_account_create", PROVIDER, PROVIDER_MANAGERS),
    ("provision:ap_account_send_link", ("ap_provider", "ap_account"), POST_ONLY),
    ("provision:ap_placement_list", (), VIEWERS),
    ("provision:ap_placement_create", (), MANAGERS),
    ("provision:ap_placement_detail", PLACEMENT, RECORD_VIEWERS),
    ("provision:ap_placement_edit", PLACEMENT, RECORD_MANAGERS),
    ("provision:ap_objective_create", PLACEMENT, POST_ONLY),
    ("provision:ap_share_create", PLACEMENT, POST_ONLY),
    ("provision:ap_agreement_upload", PLACEMENT, POST_ONLY),
    ("provision:ap_agreement_file", PLACEMENT, RECORD_VIEWERS),
    ("provision:ap_placement_agree", PLACEMENT, POST_ONLY),
    ("provision:ap_placement_start", PLACEMENT, POST_ONLY),
    ("provision:ap_placement_end", PLACEMENT, RECORD_MANAGERS),
    ("provision:ap_placement_review", PLACEMENT, RECORD_MANAGERS),
    ("provision:ap_report_document", ("ap_placement", "ap_report"), RECORD_VIEWERS),
    # The portal is for provider accounts only: every member of staff is refused.
    ("provision:ap_portal", (), PORTAL),
    ("provision:ap_portal_placement", PLACEMENT, PORTAL),
    ("provision:ap_portal_returns", PLACEMENT, POST_ONLY),
    ("provision:ap_portal_report", PLACEMENT, PORTAL),
    ("provision:ap_portal_photo", PLACEMENT, PORTAL),
]
KWARG_NAMES = {
    "ap_provider": "code",
    "ap_placement": "code",
    "ap_check": "check_code",
    "ap_report": "report_code",
    "ap_account": "account_code",
}


def build(objects, request):
    school = objects["school"]
    apco = make_staff(school, Role.AP_COORDINATOR, "apcoord")
    provider = make_provider(apco, school)
    placement = make_placement(apco, objects["pupil"], provider)
    services.agreement_upload(actor=apco, placement=placement, document=pdf_upload("agreement.pdf"))
    report = services.report_submit(
        actor=apco, placement=placement, dated=placement.start, text="Settling in", document=pdf_upload("r.pdf")
    )
    account = services.provider_account_create(
        actor=apco,
        provider=provider,
        school=school,
        username="farmcontact",
        email="f@p.example",
        first_name="F",
        last_name="C",
    )
    account.user.memberships.update(approved_at=timezone.now())
    return {
        "ap_account": account.code,
        "ap_provider": provider.code,
        "ap_placement": placement.code,
        "ap_check": provider.checks.get().code,
        "ap_report": report.code,
    }
