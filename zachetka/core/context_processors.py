from django.http import HttpRequest
from django.urls import reverse

from zachetka.core import access, collation


def navigation(request: HttpRequest) -> dict:
    """The menu a user sees: only the sections their role may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [("Главная", reverse("web:home"))]
    if access.may(user, "people.view_learner") and access.is_staff_member(user):
        items.append(("Слушатели", reverse("web:learner_list")))
    if access.may(user, "programs.view_program"):
        items.append(("Программы", reverse("programs:program_list")))
    if access.may(user, "programs.view_group"):
        items.append(("Группы", reverse("programs:group_list")))
    if access.may(user, "programs.view_enrollment") and access.is_staff_member(user):
        items.append(("Зачисления", reverse("programs:enrollment_list")))
    if access.may(user, "gradebook.view_grade") and access.is_staff_member(user):
        items.append(("Просроченные оценки", reverse("gradebook:overdue")))
    if access.may(user, "attestation.view_academicdebt") and access.is_staff_member(user):
        items.append(("Задолженности", reverse("attestation:debt_list")))
    if access.may(user, "attestation.view_commission") and access.is_staff_member(user):
        items.append(("Комиссии", reverse("attestation:commission_list")))
    if access.may(user, "documents.view_document") and access.is_staff_member(user):
        items.append(("Документы", reverse("documents:registry")))
    if access.may(user, "documents.add_frdoexport"):
        items.append(("ФИС ФРДО", reverse("documents:frdo")))
    if access.may(user, "blanks.view_blank"):
        items.append(("Бланки", reverse("blanks:stock")))
    if access.may(user, "achievements.change_achievement"):
        items.append(("Достижения", reverse("achievements:pending")))
    if access.is_learner(user):
        items.append(("Личный кабинет", reverse("cabinet:cabinet")))
    if access.is_learner(user):
        items.append(("Мои оценки", reverse("gradebook:my_grades")))
    if access.may(user, "people.import_learners"):
        items.append(("Импорт", reverse("web:learner_import")))
    if access.may(user, "archive.view_destructionact"):
        items.append(("Сроки хранения", reverse("archive:retention")))
    if access.may(user, "paper.view_case"):
        items.append(("Бумажный архив", reverse("paper:case_list")))
    if access.may(user, "privacy.view_consent"):
        items.append(("Персональные данные", reverse("privacy:overview")))
    if access.may(user, "privacy.view_employer_learners"):
        items.append(("Слушатели организации", reverse("privacy:employer_learners")))
    if access.may(user, "organization.change_requisites"):
        items.append(("Реквизиты", reverse("organization:requisites")))
    if access.may(user, "staff.view_staffprofile"):
        items.append(("Сотрудники", reverse("staff:staff_list")))
    if access.may(user, "gradebook.change_gradingscale"):
        items.append(("Шкалы", reverse("staff:scale_list")))
    if access.may(user, "organization.change_deadlines"):
        items.append(("Сроки", reverse("organization:deadlines")))
    if access.may(user, "core.view_auditevent"):
        items.append(("Журнал аудита", reverse("core:audit_list")))
    return {
        "nav_items": items,
        "user_roles": sorted(access.role_names(user), key=collation.ru_key),
        "is_admin_site_user": user.is_active and user.is_superuser,
    }
