"""Background jobs of the gradebook app: a group's whole gradebook (every module) as XLSX —
seconds for 300 learners × 200 assessments."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from zachetka.gradebook import export
from zachetka.jobs.progress import Progress
from zachetka.jobs.registry import Output, register
from zachetka.programs.models import Group

GROUP_XLSX = "gradebook.group_xlsx"


def group_xlsx_title(group: Group) -> str:
    return f"Журнал успеваемости группы {group.code} — XLSX"


@register(GROUP_XLSX, permission="gradebook.view_grade")
def group_xlsx(progress: Progress, user: User, *, group_id: int) -> Output:
    group = Group.objects.visible_to(user).select_related("program").filter(pk=group_id).first()
    if group is None:
        raise ValidationError("Группа не найдена или недоступна.")
    content = export.group_workbook(user, group, on_step=progress.step)
    return Output(
        name=f"Журнал {group.code}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        content=content,
        learner_ids=list(group.enrollments.values_list("learner_id", flat=True)),
    )
