"""Every page or file that shows learners' data is logged in one INSERT; other pages are not."""

import datetime as dt

import pytest
from django.urls import reverse

from zachetka.accesslog import capture
from zachetka.accesslog.models import AccessRecord
from zachetka.web.tests.test_authorization_matrix import MATRIX, PDF_URLS, ROLES, _objects

# The learners each object of the authorization matrix shows (world: `own` and `classmate` are
# in the group `mine`, `stranger` in `other`).
MINE, OTHER = ("own", "classmate"), ("stranger",)
SHOWS = {
    "classmate": ("classmate",),
    "stranger": ("stranger",),
    "mine": MINE,
    "mine_gm": MINE,
    "mine_protocol": MINE,
    "mine_final": MINE,
    "other": OTHER,
    "other_gm": OTHER,
    "other_protocol": OTHER,
    "other_final": OTHER,
    "own_enrollment": ("own",),
    "own_card_version": ("own",),
    "mine_document": ("own",),
    "stranger_enrollment": OTHER,
    "stranger_card_version": OTHER,
    "other_document": OTHER,
    "mine_achievement": ("classmate",),
    "other_achievement": OTHER,
    "privacy_consent": ("classmate",),
    "privacy_disclosure": ("classmate",),
    "mine_commission": (),  # no protocol signed yet: its page lists no learner
    "other_commission": (),
}
WATCHED_CASES = [
    (name, key)
    for (name, key), (method, statuses) in MATRIX.items()
    if name in capture.WATCHED and method == "get" and statuses[ROLES.index("director")] == 200
]


def _pdf_possible() -> bool:
    try:
        import weasyprint  # noqa: F401
    except OSError:
        return False
    return True


@pytest.mark.parametrize(("url_name", "object_key"), WATCHED_CASES)
def test_each_learner_page_is_logged_once(client, world, director, log_inserts, url_name, object_key):
    if url_name in PDF_URLS and not _pdf_possible():
        pytest.skip("PDF не строится без Pango.")
    target = _objects(world)[object_key]
    args = target if isinstance(target, list) else [target.pk]
    client.force_login(director)
    with log_inserts() as inserts:
        response = client.get(reverse(url_name, args=args))
    assert response.status_code == 200
    expected = {world[key].pk for key in SHOWS[object_key]}
    assert inserts.count == (1 if expected else 0)
    if expected:
        record = AccessRecord.objects.get()
        assert record.user_id == director.pk
        assert record.actor_name == "Директорова Ольга"
        assert record.actor_roles == "Администрация"
        assert record.view_name == url_name
        assert set(record.learners) == expected
        assert record.learner_count == len(expected)


def test_every_learner_page_of_the_matrix_is_watched():
    """A page of one learner, a group, an enrolment, a protocol, a document or a card is logged."""
    learner_objects = set(SHOWS) - {"mine_commission", "other_commission"}
    unwatched = {
        name
        for (name, key), (method, _) in MATRIX.items()
        if key in learner_objects and method == "get" and name not in capture.WATCHED
    }
    # Pages that show no learner's data or only redirect, and the access log's own pages (they
    # mark the learner they report on themselves).
    assert unwatched == {
        "programs:group_edit",
        "gradebook:assessment_create",
        "documents:protocol_annul",
        "accesslog:learner_report",
        "accesslog:learner_report_xlsx",
        # The API marks the learners each answer shows itself (zachetka/api/tests/test_reads.py).
        "api:learner_detail",
        "api:protocol_detail",
        "api:document_detail",
        "api:enrollment_detail",
        # The API's group shows its code, program, dates and curator: no learner's data.
        "api:group_detail",
        # The old addresses of files now made by background jobs (their download is logged).
        "gradebook:group_export",
        "attestation:group_summary_pdf",
        "attestation:group_summary_xlsx",
        "documents:group_documents_pdf",
        "documents:group_documents_zip",
        # The Moodle import's upload page shows no learner (its preview is watched).
        "lms:gradebook_import",
    }


def test_kind_of_file_is_recorded(client, world, director, job_file):
    client.force_login(director)
    job_file(client, reverse("gradebook:group_export_job", args=[world["mine"].pk]))
    client.get(reverse("programs:group_detail", args=[world["mine"].pk]))
    records = AccessRecord.objects.order_by("pk").values_list("view_name", "kind")
    assert list(records) == [("jobs:file", "xlsx"), ("programs:group_detail", "page")]


def test_the_learner_opening_their_cabinet_is_logged(client, world, learner_user, log_inserts):
    client.force_login(learner_user)
    with log_inserts() as inserts:
        assert client.get(reverse("cabinet:cabinet")).status_code == 200
    assert inserts.count == 1
    record = AccessRecord.objects.get()
    assert (record.user_id, record.learners, record.actor_roles) == (
        learner_user.pk,
        [world["own"].pk],
        "Обучающийся",
    )


def test_a_list_page_logs_the_learners_of_its_page(client, world, curator, log_inserts):
    client.force_login(curator)
    with log_inserts() as inserts:
        assert client.get(reverse("web:learner_list")).status_code == 200
    assert inserts.count == 1
    assert set(AccessRecord.objects.get().learners) == {world["own"].pk, world["classmate"].pk}


def test_registry_export_logs_the_holders(client, world, director, log_inserts, job_file):
    from zachetka.web.tests.test_authorization_matrix import _document

    _document(world["enrollments"]["own"], 1)
    client.force_login(director)
    with log_inserts() as inserts:
        job_file(client, reverse("documents:registry_xlsx"))  # the download is logged, not the start
    assert inserts.count == 1
    record = AccessRecord.objects.get()
    assert (record.view_name, record.learners) == ("jobs:file", [world["own"].pk])


@pytest.mark.parametrize(
    "url_name", ["web:home", "programs:program_list", "programs:group_list", "organization:requisites"]
)
def test_pages_without_learner_data_are_not_logged(client, world, director, log_inserts, url_name):
    client.force_login(director)
    with log_inserts() as inserts:
        assert client.get(reverse(url_name)).status_code == 200
    assert inserts.count == 0


def test_refused_requests_are_not_logged(client, world, curator, teacher, log_inserts):
    client.force_login(curator)
    with log_inserts() as inserts:
        assert client.get(reverse("web:learner_detail", args=[world["stranger"].pk])).status_code == 404
        assert client.get(reverse("people:learner_edit", args=[world["classmate"].pk])).status_code == 403
    assert inserts.count == 0
    client.logout()
    assert client.get(reverse("web:learner_detail", args=[world["classmate"].pk])).status_code == 302
    assert not AccessRecord.objects.exists()


def test_group_of_many_is_one_insert(
    client, director, make_group, make_learner, make_enrollment, log_inserts
):
    group = make_group()
    learners = [make_learner() for _ in range(40)]
    for learner in learners:
        make_enrollment(learner, group)
    client.force_login(director)
    with log_inserts() as inserts:
        assert client.get(reverse("programs:group_detail", args=[group.pk])).status_code == 200
    assert inserts.count == 1
    record = AccessRecord.objects.get()
    assert record.learner_count == 40
    assert set(record.learners) == {learner.pk for learner in learners}
    # «who looked at X» finds the row for every learner of it, and for nobody else.
    assert AccessRecord.objects.about_learner(learners[7].pk).count() == 1
    other = make_learner()
    assert AccessRecord.objects.about_learner(other.pk).count() == 0


def test_a_cell_history_logs_its_learner(client, world, teacher, log_inserts):
    client.force_login(teacher)
    query = {
        "assessment": world["assessments"]["mine"].pk,
        "enrollment": world["enrollments"]["classmate"].pk,
    }
    with log_inserts() as inserts:
        assert client.get(reverse("gradebook:cell_history"), query).status_code == 200
    assert inserts.count == 1
    assert AccessRecord.objects.get().learners == [world["classmate"].pk]


def test_proposed_achievements_and_a_blank_log_their_learners(client, world, director, log_inserts):
    from zachetka.achievements.models import Achievement
    from zachetka.web.tests.test_authorization_matrix import _blank_and_act, _document

    Achievement.objects.create(
        learner=world["own"],
        title="Доклад",
        kind="publication",
        achieved_on=dt.date(2026, 10, 1),
        status="proposed",
        created_by=director,
    )
    blank, _ = _blank_and_act(_document(world["enrollments"]["stranger"], 2))
    client.force_login(director)
    with log_inserts() as inserts:
        assert client.get(reverse("achievements:pending")).status_code == 200
        assert client.get(reverse("blanks:blank_detail", args=[blank.pk])).status_code == 200
    assert inserts.count == 2
    assert [r.learners for r in AccessRecord.objects.order_by("pk")] == [
        [world["own"].pk],
        [world["stranger"].pk],
    ]
