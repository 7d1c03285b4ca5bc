from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zachetka.achievements import services as achievements
from zachetka.achievements.forms import AchievementForm
from zachetka.cabinet import selectors, services
from zachetka.core import access
from zachetka.core.forms import add_service_errors
from zachetka.people.models import Learner
from zachetka.programs.models import Enrollment, Group


def _require_learner(request: HttpRequest) -> Learner:
    learner = selectors.own_learner(request.user)
    if not access.is_learner(request.user) or learner is None:
        raise PermissionDenied("Личный кабинет открыт только обучающимся.")
    return learner


def cabinet(request: HttpRequest) -> HttpResponse:
    """The learner's own programs, grades, results, debts, documents, achievements and cards."""
    learner = _require_learner(request)
    return render(
        request,
        "cabinet/cabinet.html",
        {
            "learner": learner,
            "studies": selectors.cabinet(request.user),
            "achievements": selectors.own_achievements(request.user),
        },
    )


def propose_achievement(request: HttpRequest) -> HttpResponse:
    learner = _require_learner(request)
    enrollments = Enrollment.objects.filter(learner=learner).select_related("group__program")
    form = AchievementForm(request.POST or None, request.FILES or None, enrollments=enrollments)
    if request.method == "POST" and form.is_valid():
        try:
            achievements.propose(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Достижение отправлено куратору на подтверждение.")
            return redirect("cabinet:cabinet")
    return render(request, "cabinet/propose_achievement.html", {"form": form})


@require_POST
def open_learner_cabinet(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "people.change_learner")
    learner = get_object_or_404(Learner.objects.visible_to(request.user), pk=pk)
    try:
        user = services.open_cabinet(by=request.user, learner=learner)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if user is None:
            messages.info(request, "Личный кабинет у слушателя уже есть.")
        else:
            messages.success(
                request, f"Кабинет открыт; ссылка для установки пароля отправлена на {learner.email}."
            )
    return redirect("web:learner_detail", learner.pk)


@require_POST
def open_group_cabinets(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "people.change_learner")
    group = get_object_or_404(Group.objects.visible_to(request.user), pk=pk)
    try:
        opened = services.open_group_cabinets(by=request.user, group=group)
    except ValidationError as error:
        messages.error(request, "Кабинеты не открыты: " + " ".join(error.messages))
    else:
        messages.success(request, f"Открыто кабинетов: {len(opened)}; приглашения отправлены по почте.")
    return redirect(group)
