from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zachetka.core import access, grammar
from zachetka.core.forms import add_service_errors
from zachetka.people import selectors, services
from zachetka.people.forms import LearnerForm
from zachetka.people.models import Learner


def visible_learner(request: HttpRequest, pk: int) -> Learner:
    """The learner, if the user may see them; 403 without the permission, 404 outside the scope."""
    access.require(request.user, "people.view_learner")
    try:
        return selectors.learner_for(request.user, pk)
    except Learner.DoesNotExist as error:
        raise Http404("Слушатель не найден.") from error


def learner_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "people.add_learner")
    form = LearnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            learner = services.create_learner(by=request.user, **form.learner_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            added = grammar.by_sex(learner.sex, "добавлен", "добавлена")
            messages.success(request, f"{learner.full_name} {added} в список слушателей.")
            return redirect(learner)
    return render(request, "people/learner_form.html", {"form": form, "learner": None})


def learner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    learner = visible_learner(request, pk)
    access.require(request.user, "people.change_learner")
    form = LearnerForm(request.POST or None, instance=learner)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_learner(
                by=request.user,
                learner=learner,
                expected_version=form.cleaned_data["version"] or 0,
                reason=form.cleaned_data.get("reason", ""),
                **form.learner_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect(learner)
    return render(request, "people/learner_form.html", {"form": form, "learner": learner})
