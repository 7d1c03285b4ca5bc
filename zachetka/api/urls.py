from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path, register_converter
from django.views.decorators.csrf import csrf_exempt

from zachetka.api import problems, views


class IdConverter:
    """A row id as the database keeps it (a bigint): a longer number is no address here (404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

app_name = "api"
urlpatterns = [
    path("schema/", login_not_required(views.SchemaView.as_view()), name="schema"),
    path("docs/", login_not_required(views.DocsView.as_view()), name="docs"),
    path("learners/", views.LearnerList.as_view(), name="learner_list"),
    path("learners/<id:pk>/", views.LearnerDetail.as_view(), name="learner_detail"),
    path("programs/", views.ProgramList.as_view(), name="program_list"),
    path("programs/<id:pk>/", views.ProgramDetail.as_view(), name="program_detail"),
    path("groups/", views.GroupList.as_view(), name="group_list"),
    path("groups/<id:pk>/", views.GroupDetail.as_view(), name="group_detail"),
    path("enrollments/", views.EnrollmentList.as_view(), name="enrollment_list"),
    path("enrollments/<id:pk>/", views.EnrollmentDetail.as_view(), name="enrollment_detail"),
    path("assessments/", views.AssessmentList.as_view(), name="assessment_list"),
    path("assessments/<id:pk>/", views.AssessmentDetail.as_view(), name="assessment_detail"),
    path("grades/", views.GradeList.as_view(), name="grade_list"),
    path("grades/bulk/", views.GradeBulk.as_view(), name="grade_bulk"),
    path(
        "assessments/<id:assessment_pk>/grades/<id:enrollment_pk>/",
        views.GradeCell.as_view(),
        name="grade_cell",
    ),
    path("protocols/", views.ProtocolList.as_view(), name="protocol_list"),
    path("protocols/<id:pk>/", views.ProtocolDetail.as_view(), name="protocol_detail"),
    path("documents/", views.DocumentList.as_view(), name="document_list"),
    path("documents/<id:pk>/", views.DocumentDetail.as_view(), name="document_detail"),
    path("verify/", views.Verification.as_view(), name="verify"),
    # Anything else under /api/v1/ answers 404 as problem details, not the site's HTML page.
    re_path(r"^(?P<path>.*)$", csrf_exempt(login_not_required(problems.not_found))),
]
