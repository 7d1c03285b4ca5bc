from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zachetka.core import access
from zachetka.core.forms import add_service_errors
from zachetka.organization import selectors, services
from zachetka.organization.forms import DeadlinesForm, RequisitesForm
from zachetka.organization.models import Deadlines, Requisites


def requisites(request: HttpRequest) -> HttpResponse:
    """The administration's page of the organisation's requisites: see what is still to fill in,
    and edit them."""
    access.require(request.user, services.PERMISSION)
    current = selectors.current()
    form = RequisitesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_requisites(
                by=request.user, expected_version=form.cleaned_data["version"], **form.changes()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Реквизиты сохранены.")
            return redirect("organization:requisites")
    to_fill = [str(Requisites._meta.get_field(name).verbose_name) for name in current.to_fill()]
    return render(
        request,
        "organization/requisites_form.html",
        {"form": form, "requisites": current, "to_fill": to_fill, "to_fill_fields": current.to_fill()},
    )


def deadlines(request: HttpRequest) -> HttpResponse:
    """The administration's page of the organisation's deadlines (grades, academic debt, ФИС ФРДО)."""
    access.require(request.user, services.DEADLINES_PERMISSION)
    row = Deadlines.objects.filter(pk=Deadlines.SINGLE_ROW_ID).first() or Deadlines()
    defaults = {name: getattr(settings, setting) for name, (setting, _lo, _hi) in Deadlines.FIELDS.items()}
    form = DeadlinesForm(request.POST or None, deadlines=row, defaults=defaults)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_deadlines(
                by=request.user, expected_version=form.cleaned_data["version"], **form.values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Сроки сохранены.")
            return redirect("organization:deadlines")
    return render(
        request,
        "organization/deadlines_form.html",
        {"form": form, "deadlines": row, "effective": selectors.deadlines()},
    )
