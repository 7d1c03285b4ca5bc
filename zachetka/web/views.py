from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zachetka.accesslog import capture as accesslog
from zachetka.core import access
from zachetka.web import selectors


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if access.is_learner(user) and not access.is_staff_member(user):
        return redirect("cabinet:cabinet")
    if access.is_employer(user) and not access.is_staff_member(user):
        return redirect("privacy:employer_learners")
    context: dict = {"is_staff_member": access.is_staff_member(user)}
    if context["is_staff_member"]:
        context.update(selectors.home(user))
        accesslog.mark(request, selectors.learners_named(context))
    if access.is_learner(user):
        context["own_learner"] = selectors.own_record(user)
    return render(request, "web/home.html", context)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"message": str(exception or "")}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)
