from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zachetka.accesslog import capture as accesslog
from zachetka.achievements import services
from zachetka.achievements.forms import AchievementForm, RejectForm
from zachetka.achievements.models import Achievement
from zachetka.core import access
from zachetka.core.forms import add_service_errors
from zachetka.people.models import Learner


def learner_achievements(request: HttpRequest, pk: int) -> HttpResponse:
    """A learner's achievements, and recording a new one (staff: confirmed at once)."""
    access.require(request.user, "achievements.view_achievement")
    learner = get_object_or_404(Learner.objects.visible_to(request.user), pk=pk)
    may_add = access.may(request.user, "achievements.add_achievement")
    # Only the studies in groups the user runs: an achievement attached to one goes on its card.
    enrollments = (
        learner.enrollments.filter(access.managed_enrollment_scope(request.user))
        .select_related("group__program")
        .order_by("-group__starts_on")
    )
    form = AchievementForm(request.POST or None, request.FILES or None, enrollments=enrollments)
    if request.method == "POST":
        access.require(request.user, "achievements.add_achievement")
        if form.is_valid():
            try:
                services.record(by=request.user, learner=learner, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Достижение внесено.")
                return redirect("achievements:learner_achievements", learner.pk)
    return render(
        request,
        "achievements/learner_achievements.html",
        {
            "learner": learner,
            "achievements": learner.achievements.select_related("enrollment__group", "decided_by"),
            "form": form if may_add else None,
        },
    )


def pending(request: HttpRequest) -> HttpResponse:
    """Achievements learners proposed, waiting for a decision."""
    access.require(request.user, "achievements.change_achievement")
    proposals = (
        Achievement.objects.visible_to(request.user)
        .filter(status=Achievement.Status.PROPOSED)
        .filter(services.decidable_by(request.user))
        .select_related("learner", "enrollment__group")
        .order_by("created_at")
    )
    accesslog.mark(request, (proposal.learner_id for proposal in proposals))
    return render(request, "achievements/pending.html", {"proposals": proposals})


def _achievement(request: HttpRequest, pk: int) -> Achievement:
    access.require(request.user, "achievements.view_achievement")
    return get_object_or_404(
        Achievement.objects.visible_to(request.user).select_related("learner", "enrollment__group"), pk=pk
    )


def achievement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    achievement = _achievement(request, pk)
    may_decide = achievement.status == Achievement.Status.PROPOSED and access.may(
        request.user, "achievements.change_achievement"
    )
    return render(
        request,
        "achievements/achievement_detail.html",
        {
            "achievement": achievement,
            "reject_form": RejectForm(initial={"version": achievement.version}) if may_decide else None,
        },
    )


@require_POST
def achievement_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    achievement = _achievement(request, pk)
    try:
        services.confirm(
            by=request.user, achievement=achievement, expected_version=int(request.POST.get("version") or 0)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Достижение подтверждено и попадёт в индивидуальную карту.")
    return redirect(achievement)


@require_POST
def achievement_reject(request: HttpRequest, pk: int) -> HttpResponse:
    achievement = _achievement(request, pk)
    access.require(request.user, "achievements.change_achievement")
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите причину отказа.")
        return redirect(achievement)
    try:
        services.reject(
            by=request.user,
            achievement=achievement,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Предложение отклонено.")
    return redirect(achievement)


def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence file, for staff who see the learner and for the learner themself: always a
    download, typed by what its content is, never by any name."""
    achievement = get_object_or_404(Achievement.objects.visible_to(request.user), pk=pk)
    if not (access.is_learner(request.user) or access.may(request.user, "achievements.view_achievement")):
        raise Http404("Файл не найден.")
    if not achievement.evidence:
        raise Http404("К достижению не приложен файл.")
    file = achievement.evidence.open("rb")
    kind = services.evidence_type(file.read(16))
    file.seek(0)
    stem = Path(achievement.evidence_name).stem or "файл"
    response = FileResponse(
        file,
        as_attachment=True,
        filename=f"{stem}{kind.extension}" if kind else stem,
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    # Were it ever opened in place, nothing in it may run. (nosniff comes from SecurityMiddleware.)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
