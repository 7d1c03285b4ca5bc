"""axe-core on every role's key pages: no critical or serious accessibility violation.

Staff pages are checked on a desktop screen; the learner's on a phone (390 × 844). axe-core is
vendored in tests/vendor/axe-core (see its VERSION note); it is injected into each page with
the Content-Security-Policy bypassed for the test's own script only (the policy itself is
checked by core/tests/test_browser_csp.py)."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from zachetka.achievements import services as achievement_services
from zachetka.attestation.models import Protocol
from zachetka.core import roles
from zachetka.documents import services as document_services
from zachetka.gradebook import services as gradebook_services
from zachetka.privacy import services as privacy_services
from zachetka.privacy.models import RecipientAccount

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "tests" / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

# Every page axe reads for a role: staff see the registry's, the group's and attestation pages;
# a teacher no issued documents; a learner their cabinet and what it links to.
STAFF_PAGES = (
    "home",
    "learner_list",
    "learner",
    "group",
    "gradebook",
    "statement",
    "protocol",
    "protocols",
    "summary",
    "document",
    "verification",
)
PAGES = {
    "anonymous": (
        "login",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "verify",
        "verification",
    ),
    "director": STAFF_PAGES,
    "registrar": STAFF_PAGES,
    "curator": STAFF_PAGES,
    "teacher": tuple(p for p in STAFF_PAGES if p != "document"),
    "learner": ("cabinet", "my_grades", "card", "propose_achievement", "verification"),
    "employer": ("employer_learners", "employer_learner"),
    # A curator checking on a learner or a group from a phone.
    "curator on a phone": ("home", "learner", "group", "gradebook", "statement", "protocol", "document"),
}
ON_A_PHONE = ("learner", "curator on a phone")


@pytest.fixture
def current_grades(course, world, teacher):
    """Смирнова's and Петров's current grades, given before the module's statement closes it."""
    for key, text in (("own", "4"), ("classmate", "2")):
        gradebook_services.record_grade(
            by=teacher,
            assessment=world["assessments"]["mine"],
            enrollment=course[key],
            text=text,
            expected_version=0,
        )


@pytest.fixture
def employer(make_user, registrar, course):
    """ООО «Ромашка»'s representative; Смирнова consented to her record going to it."""
    organisation = privacy_services.create_recipient(
        by=registrar,
        name="ООО «Ромашка»",
        kind="legal",
        inn="7707083893",
        address="г. Москва, ул. Ленина, д. 1",
    )
    user = make_user("employer", role=roles.EMPLOYER, first_name="Елена", last_name="Кадрова")
    RecipientAccount.objects.create(user=user, recipient=organisation)
    consent = privacy_services.record_consent(
        by=registrar,
        learner=course["own"].learner,
        recipient=organisation,
        purpose="Подтверждение обучения работника для работодателя",
        categories=["identity", "progress", "final"],
        actions=["store", "use", "transfer"],
        valid_from=dt.date(2026, 9, 1),
        valid_to=dt.date(2027, 8, 31),
        withdrawal_method="Письменное заявление оператору.",
        subject_address="г. Москва, ул. Мира, д. 2, кв. 3",
        subject_id_document="паспорт 4510 123456, выдан ОВД «Тверской» 01.02.2010",
    )
    scan = SimpleUploadedFile(
        "scan.pdf", b"%PDF-1.4\n% signed consent\n%%EOF", content_type="application/pdf"
    )
    privacy_services.attach_scan(by=registrar, consent=consent, scan=scan, signed_on=timezone.localdate())
    return user


@pytest.fixture
def site(current_grades, graduated, course, registrar, learner_user, employer):
    """URL of each page by name: the course's group graduated, its documents issued; Смирнова
    has current grades and has proposed an achievement."""
    achievement_services.propose(
        by=learner_user, title="Доклад на конференции", kind="publication", achieved_on=dt.date(2026, 10, 1)
    )
    documents = document_services.issue_from_protocol(
        by=registrar, protocol=graduated, issued_on=dt.date(2026, 11, 27), first_number="000118"
    )
    document = next(d for d in documents if d.enrollment_id == course["own"].pk)
    group = course["group"]
    statement = Protocol.objects.filter(kind=Protocol.Kind.INTERMEDIATE, group=group).first()
    return {
        "login": reverse("login"),
        "password_reset": reverse("password_reset"),
        "password_reset_done": reverse("password_reset_done"),
        # The link of a real reset e-mail: its page asks for the new password.
        "password_reset_confirm": reverse(
            "password_reset_confirm",
            args=[
                urlsafe_base64_encode(force_bytes(learner_user.pk)),
                default_token_generator.make_token(learner_user),
            ],
        ),
        "password_reset_complete": reverse("password_reset_complete"),
        "home": reverse("web:home"),
        "learner_list": reverse("web:learner_list"),
        "learner": reverse("web:learner_detail", args=[course["own"].learner_id]),
        "group": reverse("programs:group_detail", args=[group.pk]),
        "gradebook": reverse("gradebook:grid", args=[group.pk, course["credit"].pk]),
        "statement": reverse("attestation:protocol_detail", args=[statement.pk]),
        "protocol": reverse("attestation:protocol_detail", args=[graduated.pk]),
        "protocols": reverse("attestation:group_protocols", args=[group.pk]),
        "summary": reverse("attestation:group_summary", args=[group.pk]),
        "document": reverse("documents:document_detail", args=[document.pk]),
        "verify": reverse("documents:verify"),
        "verification": document.verification_path(),
        "cabinet": reverse("cabinet:cabinet"),
        "my_grades": reverse("gradebook:my_grades"),
        "card": reverse("cards:card", args=[course["own"].pk]),
        "propose_achievement": reverse("cabinet:propose_achievement"),
        "employer_learners": reverse("privacy:employer_learners"),
        "employer_learner": reverse("privacy:employer_learner", args=[course["own"].learner_id]),
    }


def blocking_violations(page) -> list[str]:  # noqa: ANN001 - a Playwright page
    """axe's critical and serious violations on the page, one readable line per element."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    assert results["passes"], f"axe-core checked nothing on {page.url}"
    lines = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(
                f"  [{violation['impact']}] {violation['id']}: {violation['help']}\n"
                f"      at {' '.join(map(str, node['target']))}: {node['html'][:160]}\n"
                f"      {summary[:300]}"
            )
    return lines


@pytest.mark.parametrize("role", list(PAGES))
def test_key_pages_have_no_serious_accessibility_violation(browser, live_server, site, role):
    context = browser.new_context(bypass_csp=True, **(PHONE if role in ON_A_PHONE else DESKTOP))
    page = context.new_page()
    if role != "anonymous":
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", role.split()[0])
        page.fill("#id_password", "pass-for-tests-1")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        assert "/login/" not in page.url, f"{role} did not log in"
    report = []
    for name in PAGES[role]:
        response = page.goto(f"{live_server.url}{site[name]}")
        assert response.status == 200, f"{role} {name}: {response.status}"
        found = blocking_violations(page)
        if found:
            report.append(f"{role} — {name} ({site[name]}):\n" + "\n".join(found))
    context.close()
    assert not report, "Critical or serious accessibility violations:\n" + "\n".join(report)


# Every page a learner can reach (PDFs aside): before logging in, and from the cabinet.
LEARNER_PUBLIC_PAGES = PAGES["anonymous"]
LEARNER_PAGES = ("cabinet", "my_grades", "card", "propose_achievement", "verification")
STAFF_PHONE_PAGES = ("home", "learner", "group", "gradebook")


@pytest.mark.parametrize("width", [360, 390])
def test_a_learners_pages_fit_a_phone_without_sideways_scrolling(browser, live_server, site, width):
    context = browser.new_context(**{**PHONE, "viewport": {"width": width, "height": 800}})
    page = context.new_page()
    too_wide = []

    def check(name: str) -> None:
        response = page.goto(f"{live_server.url}{site[name]}")
        assert response.status == 200, f"{name}: {response.status}"
        # A phone browser zooms out to fit a page wider than the screen, and then innerWidth
        # grows with it: both are compared with the phone's own width.
        sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if max(sizes) > width:
            too_wide.append(f"{name} ({site[name]}): {max(sizes)} px wide on a {width} px screen")

    for name in LEARNER_PUBLIC_PAGES:
        check(name)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "learner")
    page.fill("#id_password", "pass-for-tests-1")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}{site['cabinet']}")
    for name in LEARNER_PAGES:
        check(name)
    context.close()
    # A curator on a phone: the learner's and the group's pages (their wide tables scroll inside
    # their own boxes).
    context = browser.new_context(**{**PHONE, "viewport": {"width": width, "height": 800}})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", "pass-for-tests-1")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    for name in STAFF_PHONE_PAGES:
        check(name)
    context.close()
    assert not too_wide, "Pages wider than the phone:\n" + "\n".join(too_wide)
