"""A recipient's representative sees only learners who consented to their organisation, only
the data the consent covers; everyone else is 404; every page shown is logged as a disclosure."""

import pytest
from django.urls import reverse

from zachetka.privacy import services
from zachetka.privacy.models import Disclosure
from zachetka.privacy.tests.conftest import TODAY


@pytest.fixture
def consented(world, employer_org, make_consent, registrar, scan):
    """Петров consented (identity, progress, final); Смирнова consented and withdrew; Сидорова
    consented to another organisation."""
    make_consent(world["classmate"], employer_org, categories=["identity", "progress", "final"])
    withdrawn = make_consent(world["own"], employer_org)
    services.withdraw(by=registrar, consent=withdrawn, received_on=TODAY, scan=scan())
    return world


def test_the_list_shows_only_consenting_learners_and_logs_each(client, employer, consented):
    client.force_login(employer)
    page = client.get(reverse("privacy:employer_learners")).content.decode()
    assert "Петров Пётр Петрович" in page
    assert "Смирнова" not in page and "Сидорова" not in page
    (logged,) = Disclosure.objects.all()
    assert logged.learner == consented["classmate"] and logged.channel == "system"
    assert logged.categories == ["identity"] and logged.consent is not None and logged.given_by == employer


def test_the_learner_page_shows_covered_categories_only_and_is_a_disclosure(
    client, employer, consented, employer_org
):
    client.force_login(employer)
    response = client.get(reverse("privacy:employer_learner", args=[consented["classmate"].pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert consented["mine"].code in page and "Итоговая аттестация" in page
    assert "Модуль 1." not in page  # grades: not in the consent
    assert "Электронная почта" not in page
    disclosure = Disclosure.objects.get()
    assert disclosure.recipient == employer_org and disclosure.categories == ["identity", "progress", "final"]


@pytest.mark.parametrize("key", ["own", "stranger"])
def test_others_are_404_and_nothing_is_logged(client, employer, consented, key):
    client.force_login(employer)
    assert client.get(reverse("privacy:employer_learner", args=[consented[key].pk])).status_code == 404
    assert not Disclosure.objects.exists()


def test_the_service_refuses_a_system_view_without_consent(employer, consented, employer_org):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="отозвано"):
        services.record_system_view(
            by=employer, learner=consented["own"], recipient=employer_org, categories=["identity"]
        )
    assert not Disclosure.objects.exists()


def test_the_representative_sees_no_staff_pages(client, employer, consented):
    client.force_login(employer)
    assert client.get(reverse("web:learner_detail", args=[consented["classmate"].pk])).status_code in (
        403,
        404,
    )
    assert client.get(reverse("privacy:overview")).status_code == 403
    assert client.get(reverse("cabinet:cabinet")).status_code == 403


def test_staff_are_not_representatives(client, registrar, consented):
    client.force_login(registrar)
    assert client.get(reverse("privacy:employer_learners")).status_code == 403


def test_the_whole_url_map_gives_a_representative_nothing_else(client, employer, consented):
    """Every URL of the site as the representative: public pages and their own two pages
    answer, everything else is refused (403/404) or sends them to their own list."""
    from zachetka.web.tests.test_authorization_matrix import MATRIX, OLD_FILE_ADDRESS, ROLES, _objects

    objects = _objects(consented)
    client.force_login(employer)
    own_list = reverse("privacy:employer_learners")
    answered = set()
    for (url_name, key), (method, statuses) in MATRIX.items():
        target = objects[key] if key else None
        args = target if isinstance(target, list) else [target.pk] if target is not None else []
        response = getattr(client, method)(reverse(url_name, args=args))
        public = statuses[ROLES.index("anonymous")] != "login"
        if url_name == "logout":
            client.force_login(employer)
            continue
        if url_name.startswith("api:"):
            # The API takes no session, only a token: nothing of it answers them but its schema,
            # its docs page and the public verification (400: no number asked).
            assert response.status_code in (200, 400, 401, 403, 404), url_name
            assert response.status_code != 200 or url_name in ("api:schema", "api:docs"), url_name
            continue
        if public:
            assert response.status_code in (200, 302), url_name
        elif url_name == "web:home":
            assert response.status_code == 302 and response.url == own_list
        elif url_name.startswith("privacy:employer_"):
            answered.add(url_name)
        elif statuses == OLD_FILE_ADDRESS:  # a file now made by a job: sent to the page that refuses
            assert response.status_code == 302, url_name
        else:
            assert response.status_code in (403, 404), f"{url_name} {key}: {response.status_code}"
    assert answered == {"privacy:employer_learners", "privacy:employer_learner"}
    # Their own pages: the consenting learner only.
    assert (
        client.get(reverse("privacy:employer_learner", args=[consented["classmate"].pk])).status_code == 200
    )
    for key in ("own", "stranger"):
        assert client.get(reverse("privacy:employer_learner", args=[consented[key].pk])).status_code == 404
