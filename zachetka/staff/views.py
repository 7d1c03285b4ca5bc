"""The administration's pages: staff accounts (list, create, edit, deactivate, assignments and
curatorship) and grading scales. Only the administration opens them (403 for other roles)."""

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zachetka.core import access, collation, names, roles
from zachetka.core.forms import add_service_errors
from zachetka.gradebook import services as gradebook_services
from zachetka.gradebook.models import GradingScale
from zachetka.programs.models import Group, Module, TeachingAssignment
from zachetka.staff import forms, selectors, services

# The link to set a password, shown once to the administration when the e-mail was not sent.
_LINK_SESSION_KEY = "staff_unsent_link"


def administration(request: HttpRequest) -> HttpResponse:
    """The «Администрирование» section: staff, scales, deadlines, requisites."""
    access.require(request.user, services.VIEW)
    return render(
        request,
        "staff/administration.html",
        {"is_superuser": request.user.is_superuser},
    )


def staff_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, services.VIEW)
    role = request.GET.get("role", "")
    active = request.GET.get("active", "active")
    query = request.GET.get("q", "")
    return render(
        request,
        "staff/staff_list.html",
        {
            "rows": selectors.staff_list(role=role, active=active, query=query),
            "roles": roles.STAFF_ROLES,
            "role": role,
            "active": active,
            "query": query,
        },
    )


def staff_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, services.ADD)
    form = forms.StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_staff_member(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            user = created.user
            if services.send_invitation(user, created.link):
                messages.success(
                    request,
                    f"Учётная запись создана: {names.user_full_name(user)}, логин {user.username}. "
                    f"Ссылка для установки пароля отправлена на {user.email}.",
                )
            else:
                request.session[_LINK_SESSION_KEY] = {"user": user.pk, "link": created.link}
                messages.warning(
                    request,
                    f"Учётная запись создана: {names.user_full_name(user)}, логин {user.username}; "
                    "но письмо не отправлено: передайте ссылку для установки пароля сами.",
                )
            return redirect("staff:staff_detail", pk=user.pk)
    return render(request, "staff/staff_form.html", {"form": form, "member": None})


def _member(pk: int) -> User:
    return get_object_or_404(selectors.staff_accounts(), pk=pk)


def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, services.VIEW)
    user = _member(pk)
    unsent = request.session.get(_LINK_SESSION_KEY)
    link = ""
    if unsent and unsent.get("user") == user.pk:
        link = unsent["link"]
        del request.session[_LINK_SESSION_KEY]  # shown once
    row = selectors.staff_member(user)
    may_change = access.may(request.user, services.CHANGE)
    is_teacher = roles.TEACHER in row.roles and user.is_active
    is_curator = roles.CURATOR in row.roles and user.is_active
    curated = selectors.curated_by(user)
    return render(
        request,
        "staff/staff_detail.html",
        {
            "member": user,
            "row": row,
            "link": link,
            "may_change": may_change,
            "assignments": selectors.assignments_of(user),
            "curated": curated,
            "assignment_form": forms.AssignmentForm(pairs=selectors.group_modules()) if is_teacher else None,
            "curatorship_form": forms.CuratorshipForm(groups=selectors.open_groups().exclude(curator=user))
            if is_curator
            else None,
            "deactivate_form": forms.DeactivateForm()
            if user.is_active and user.pk != request.user.pk
            else None,
            "events": selectors.events_about(user),
        },
    )


def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, services.CHANGE)
    user = _member(pk)
    row = selectors.staff_member(user)
    initial = {"post": row.post, "email": user.email, "role_names": row.roles}
    form = forms.StaffEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_staff_member(by=request.user, user=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Изменения сохранены.")
            return redirect("staff:staff_detail", pk=user.pk)
    return render(request, "staff/staff_form.html", {"form": form, "member": user})


@require_POST
def invitation_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a new one-time link to set the password (the old link stops working once it is used)."""
    access.require(request.user, services.CHANGE)
    user = _member(pk)
    if not user.is_active or not user.email:
        messages.error(request, "Ссылку можно отправить только на e-mail действующей учётной записи.")
        return redirect("staff:staff_detail", pk=user.pk)
    link = services.password_link(user)
    if services.send_invitation(user, link):
        messages.success(request, f"Ссылка для установки пароля отправлена на {user.email}.")
    else:
        request.session[_LINK_SESSION_KEY] = {"user": user.pk, "link": link}
        messages.warning(request, "Письмо не отправлено: передайте ссылку для установки пароля сами.")
    return redirect("staff:staff_detail", pk=user.pk)


def _report(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_POST
def staff_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, services.CHANGE)
    user = _member(pk)
    form = forms.DeactivateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите причину деактивации (например, приказ об увольнении).")
        return redirect("staff:staff_detail", pk=user.pk)
    try:
        services.deactivate_staff_member(by=request.user, user=user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, f"Учётная запись {names.user_full_name(user)} деактивирована: вход закрыт.")
    return redirect("staff:staff_detail", pk=user.pk)


@require_POST
def staff_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, services.CHANGE)
    user = _member(pk)
    try:
        services.reactivate_staff_member(by=request.user, user=user)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, f"Учётная запись {names.user_full_name(user)} снова действует.")
    return redirect("staff:staff_detail", pk=user.pk)


@require_POST
def assignment_create(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, services.CHANGE)
    user = _member(pk)
    form = forms.AssignmentForm(request.POST, pairs=selectors.group_modules())
    if not form.is_valid():
        messages.error(request, "Выберите группу и модуль.")
        return redirect("staff:staff_detail", pk=user.pk)
    group_id, module_id = form.ids()
    group = get_object_or_404(Group, pk=group_id)
    module = get_object_or_404(Module, pk=module_id)
    try:
        services.assign_teaching(by=request.user, user=user, group=group, module=module)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, f"Назначение на модуль «{module.title}» в группе {group.code} добавлено.")
    return redirect("staff:staff_detail", pk=user.pk)


@require_POST
def assignment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, services.CHANGE)
    assignment = get_object_or_404(TeachingAssignment.objects.select_related("group", "module"), pk=pk)
    teacher_id = assignment.teacher_id
    services.unassign_teaching(by=request.user, assignment=assignment)
    messages.success(
        request, f"Назначение на модуль «{assignment.module.title}» в группе {assignment.group.code} снято."
    )
    return redirect("staff:staff_detail", pk=teacher_id)


@require_POST
def curatorship_create(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, services.CHANGE)
    user = _member(pk)
    form = forms.CuratorshipForm(request.POST, groups=selectors.open_groups())
    if not form.is_valid():
        messages.error(request, "Выберите группу.")
        return redirect("staff:staff_detail", pk=user.pk)
    group = form.cleaned_data["group"]
    try:
        services.make_curator(by=request.user, user=user, group=group)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, f"{names.user_full_name(user)} — куратор группы {group.code}.")
    return redirect("staff:staff_detail", pk=user.pk)


@require_POST
def curatorship_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Leave a group without a curator (from its former curator's page)."""
    access.require(request.user, services.CHANGE)
    group = get_object_or_404(Group, pk=pk)
    curator_id = group.curator_id
    try:
        services.remove_curator(by=request.user, group=group)
    except ValidationError as error:
        _report(request, error)
        return redirect("staff:staff_list")
    messages.success(request, f"У группы {group.code} больше нет куратора.")
    return redirect("staff:staff_detail", pk=curator_id)


# --- Grading scales ---


def scale_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "gradebook.view_gradingscale")
    scales = GradingScale.objects.prefetch_related("values").order_by(*collation.collated("title"))
    return render(
        request,
        "staff/scale_list.html",
        {
            "scales": [(scale, gradebook_services.scale_usage(scale)) for scale in scales],
            "may_add": access.may(request.user, "gradebook.add_gradingscale"),
        },
    )


def scale_create(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "gradebook.add_gradingscale")
    form = forms.ScaleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scale = gradebook_services.create_scale(
                by=request.user, title=form.cleaned_data["title"], values=form.cleaned_data["values"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Шкала «{scale.title}» добавлена.")
            return redirect("staff:scale_list")
    return render(request, "staff/scale_form.html", {"form": form, "scale": None, "used": 0})


def scale_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "gradebook.change_gradingscale")
    scale = get_object_or_404(GradingScale, pk=pk)
    used = gradebook_services.scale_usage(scale)
    initial = {
        "title": scale.title,
        "is_active": scale.is_active,
        "values": forms.values_text(scale, list(scale.values.order_by("order"))),
    }
    form = forms.ScaleForm(request.POST or None, initial=initial, scale=scale, locked=bool(used))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                gradebook_services.update_scale(
                    by=request.user,
                    scale=scale,
                    title=form.cleaned_data["title"],
                    is_active=form.cleaned_data["is_active"],
                    values=form.cleaned_data["values"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Шкала «{form.cleaned_data['title']}» сохранена.")
            return redirect("staff:scale_list")
    return render(request, "staff/scale_form.html", {"form": form, "scale": scale, "used": used})
