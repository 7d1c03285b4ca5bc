"""Opening learners' personal cabinets: an account linked to the learner, no password known to
anyone, and a one-time link by email to set one (Django's password-reset tokens: the link stops
working once used or after PASSWORD_RESET_TIMEOUT)."""

import logging
import smtplib

from django.conf import settings
from django.contrib.auth.models import Group as Role
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from zachetka.core import access, audit, roles
from zachetka.organization import selectors as organization
from zachetka.people.models import Learner
from zachetka.programs.models import Group

logger = logging.getLogger(__name__)


def set_password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.PUBLIC_URL}{reverse('password_reset_confirm', args=[uid, token])}"


def _problem(learner: Learner) -> str | None:
    if learner.user_id:
        return None  # already has a cabinet: nothing to do
    if not learner.email:
        return f"{learner.full_name}: нет адреса электронной почты — укажите его в карточке слушателя."
    if User.objects.filter(username__iexact=learner.email).exists():
        return f"{learner.full_name}: адрес {learner.email} уже занят другой учётной записью."
    return None


def _open(by: User, learner: Learner, role: Role) -> User:
    user = User.objects.create(
        username=learner.email.lower(),
        email=learner.email,
        first_name=f"{learner.first_name} {learner.middle_name}".strip(),
        last_name=learner.last_name,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    user.groups.add(role)
    Learner.objects.filter(pk=learner.pk).update(user=user)
    audit.record(
        by=by, action=audit.Action.CABINET_OPENED, subject=learner, after={"username": user.username}
    )
    context = {
        "learner": learner,
        "link": set_password_link(user),
        "username": user.username,
        "organization": organization.current().full_name,
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    transaction.on_commit(lambda: _send_invitation(learner.email, context))
    return user


def _send_invitation(address: str, context: dict) -> None:
    """Sent once the cabinet is saved. A mail server that is down does not undo the cabinet:
    the learner can still get a link with «Забыли пароль?», and the failure is logged."""
    try:
        send_mail(
            subject=f"{context['organization']}: доступ в личный кабинет",
            message=render_to_string("cabinet/invitation_email.txt", context),
            from_email=None,
            recipient_list=[address],
        )
    except (OSError, smtplib.SMTPException):
        logger.exception("Invitation to %s not sent", address)


@transaction.atomic
def open_cabinets(*, by: User, learners: list[Learner]) -> list[User]:
    """Open cabinets for the learners who have none yet; all or nothing: a learner without an
    e-mail address (or with an address taken) refuses the whole batch, naming them."""
    access.require(by, "people.change_learner")
    visible = set(
        Learner.objects.visible_to(by)
        .filter(pk__in=[learner.pk for learner in learners])
        .values_list("pk", flat=True)
    )
    if len(visible) != len({learner.pk for learner in learners}):
        raise ValidationError("Среди слушателей есть недоступные вам.")
    problems = [p for p in (_problem(learner) for learner in learners) if p]
    if problems:
        raise ValidationError(problems)
    role = Role.objects.get(name=roles.LEARNER)
    return [_open(by, learner, role) for learner in learners if not learner.user_id]


def open_cabinet(*, by: User, learner: Learner) -> User | None:
    opened = open_cabinets(by=by, learners=[learner])
    return opened[0] if opened else None


def open_group_cabinets(*, by: User, group: Group) -> list[User]:
    learners = [e.learner for e in group.enrollments.select_related("learner").order_by("learner__last_name")]
    return open_cabinets(by=by, learners=learners)
