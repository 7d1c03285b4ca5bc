"""`load_demo`: fill an empty database with a realistic, reproducible demo of a ДПО record.

Every domain write goes through the services with the director as the actor, so the demo's
audit trail looks like the one a real office would leave. The same seed always gives the same
people, programs, groups and enrolments.
"""

import datetime as dt
import random
from collections import Counter

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group as Role
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction

from zachetka.core import roles, snils
from zachetka.core.models import AuditChainHead
from zachetka.people import services as people_services
from zachetka.people.models import Learner
from zachetka.programs import services
from zachetka.programs.models import Enrollment, Group, Module, Program

SEED = 2025
PASSWORD = "zachetka-demo"  # noqa: S105 - the documented demo password
LEARNER_COUNT = 150
Form = Module.AttestationForm
Status = Enrollment.Status
Funding = Enrollment.Funding

# username, first name with patronymic (how the office addresses staff), last name, role.
STAFF = (
    ("director", "Ольга Викторовна", "Кузнецова", roles.ADMINISTRATION),
    ("registrar", "Марина Олеговна", "Соколова", roles.STAFF),
    ("curator", "Елена Павловна", "Воронцова", roles.CURATOR),
    ("curator2", "Андрей Николаевич", "Лебедев", roles.CURATOR),
    ("teacher", "Дмитрий Сергеевич", "Орлов", roles.TEACHER),
    ("teacher2", "Наталья Игоревна", "Белых", roles.TEACHER),
    ("teacher3", "Игорь Васильевич", "Ковальчук", roles.TEACHER),
    ("teacher4", "Светлана Юрьевна", "Гусева", roles.TEACHER),
)

# key: program fields, then modules as (title, hours, attestation form).
PROGRAMS = {
    "pk": (
        {
            "title": "Цифровые инструменты в работе преподавателя",
            "kind": Program.Kind.QUALIFICATION_UPGRADE,
            "hours": 72,
            "study_form": Program.StudyForm.PART_TIME,
            "uses_distance_learning": True,
            "field_of_activity": "Образование и наука",
        },
        (
            ("Нормативные основы цифровой образовательной среды", 12, Form.CREDIT),
            ("Облачные сервисы для совместной работы", 16, Form.CREDIT),
            ("Разработка электронных учебных материалов", 20, Form.GRADED_CREDIT),
            ("Онлайн-тестирование и цифровое оценивание", 16, Form.TEST),
            ("Проектная работа: цифровой урок", 8, Form.GRADED_CREDIT),
        ),
    ),
    "pp": (
        {
            "title": "Менеджмент в образовании",
            "kind": Program.Kind.RETRAINING,
            "hours": 256,
            "study_form": Program.StudyForm.PART_TIME,
            "uses_distance_learning": True,
            "qualification": "Менеджер в сфере образования",
            "field_of_activity": "Образование и наука",
        },
        (
            ("Нормативно-правовое регулирование в сфере образования", 36, Form.EXAM),
            ("Основы менеджмента и теория управления", 40, Form.EXAM),
            ("Управление персоналом образовательной организации", 36, Form.GRADED_CREDIT),
            ("Финансово-экономическая деятельность образовательной организации", 40, Form.EXAM),
            ("Управление качеством образования", 32, Form.CREDIT),
            ("Маркетинг образовательных услуг", 24, Form.CREDIT),
            ("Стажировка и выпускная аттестационная работа", 48, Form.GRADED_CREDIT),
        ),
    ),
    "kk": (
        {
            "title": "Оказание первой помощи",
            "kind": Program.Kind.OTHER,
            "hours": 16,
            "study_form": Program.StudyForm.FULL_TIME,
            "field_of_activity": "Охрана труда и безопасность",
        },
        (
            ("Правовые и теоретические основы оказания первой помощи", 6, Form.TEST),
            ("Практическая отработка навыков первой помощи", 10, Form.CREDIT),
        ),
    ),
}
PROGRAM_CURATORS = {"pk": ("curator",), "pp": ("curator",), "kk": ("curator2",)}

# code, program, start, end, curator, admission order number and date, number of learners.
# КК-2026-01 starts after "today" (28.11.2026), so its admission order was issued ahead of it.
GROUPS = (
    ("ПП-2025-01", "pp", "2025-02-03", "2025-06-30", "curator", "9-к", "2025-02-03", 24),
    ("ПК-2025-01", "pk", "2025-03-03", "2025-04-11", "curator", "21-к", "2025-03-03", 28),
    ("КК-2025-01", "kk", "2025-10-13", "2025-10-14", "curator2", "118-к", "2025-10-13", 28),
    ("ПП-2026-01", "pp", "2026-09-01", "2027-02-26", "curator", "97-к", "2026-09-01", 25),
    ("ПК-2026-01", "pk", "2026-11-02", "2026-12-18", "curator", "131-к", "2026-11-02", 26),
    ("КК-2026-01", "kk", "2026-12-07", "2026-12-08", "curator2", "142-к", "2026-11-27", 22),
)
# Who teaches each module of a group, in module order.
TEACHERS = {
    "ПП-2025-01": "teacher4 teacher2 teacher3 teacher4 teacher2 teacher3 teacher4",
    "ПК-2025-01": "teacher2 teacher2 teacher teacher3 teacher2",
    "КК-2025-01": "teacher3 teacher4",
    "ПП-2026-01": "teacher teacher2 teacher3 teacher4 teacher teacher3 teacher4",
    "ПК-2026-01": "teacher teacher2 teacher teacher3 teacher2",
    "КК-2026-01": "teacher3 teacher4",
}
# Learners of a 2025 group who came back for a 2026 one: (from, to, how many).
RETURNING = (
    ("ПК-2025-01", "ПП-2026-01", 4),
    ("КК-2025-01", "ПК-2026-01", 4),
    ("ПП-2025-01", "КК-2026-01", 3),
    ("ПК-2025-01", "КК-2026-01", 2),
)
# Expulsions in the finished groups: group, order number, order date.
EXPULSIONS = (
    ("ПП-2025-01", "38-к", "2025-03-14"),
    ("ПП-2025-01", "55-к", "2025-04-21"),
    ("ПК-2025-01", "27-к", "2025-03-24"),
)
RUNNING_SINCE = dt.date(2026, 1, 1)  # groups starting from here are still in progress


def words(text: str) -> tuple[str, ...]:
    """Lists of names are written as space-separated words, so they stay a few lines long."""
    return tuple(text.split())


MALE_NAMES = words(
    "Александр Алексей Андрей Антон Артём Борис Вадим Виктор Владимир Дмитрий Евгений Иван Игорь "
    "Илья Кирилл Константин Максим Михаил Никита Николай Олег Павел Роман Сергей Станислав Юрий"
)
FEMALE_NAMES = words(
    "Алина Анастасия Анна Валентина Вера Виктория Галина Дарья Евгения Екатерина Елена Ирина "
    "Ксения Лариса Людмила Марина Мария Надежда Наталья Оксана Ольга Полина Светлана Татьяна "
    "Юлия Яна"
)
# Male forms; the female form replaces the final «ич» with «на» (Иванович → Ивановна).
PATRONYMICS = words(
    "Александрович Алексеевич Анатольевич Андреевич Борисович Валерьевич Васильевич Викторович "
    "Владимирович Геннадьевич Дмитриевич Евгеньевич Иванович Игоревич Константинович Михайлович "
    "Николаевич Олегович Павлович Петрович Романович Сергеевич Юрьевич"
)
# Male forms; `feminine` derives the female ones, and surnames like Белых stay as they are.
SURNAMES = words(
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов "
    "Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров "
    "Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Фролов Дмитриев "
    "Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов Медведев "
    "Антонов Тарасов Жуков Баранов Комаров Давыдов Беляев Богданов Осипов Сидоров Титов Миронов "
    "Крылов Куликов Карпов Калинин Фомин Савельев Щербаков Введенский Покровский Троицкий "
    "Успенский Белых Черных Седых Шевчук Бондаренко Ткаченко Мельниченко Кравец"
)
# For e-mail addresses; «ъ», «ь» and anything else not listed are dropped.
TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщыэюя",
        words("a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch y e yu ya"),
        strict=True,
    )
)
FOREIGN_CITIZENSHIPS = ("112", "398", "860")  # Беларусь, Казахстан, Узбекистан


def day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def feminine(surname: str) -> str:
    if surname.endswith(("ский", "цкий")):
        return surname[:-2] + "ая"
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname  # Белых, Шевчук, Бондаренко, Кравец: the same for women


def translit(text: str) -> str:
    return "".join(TRANSLIT.get(letter, "") for letter in text.lower())


class DemoLoader:
    """Builds the demo in one pass; `rng` is the only source of variety, so the result is fixed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.users: dict[str, User] = {}
        self.programs: dict[str, Program] = {}
        self.modules: dict[str, list[Module]] = {}
        self.groups: dict[str, Group] = {}
        self.used_snils: set[str] = set()
        self.used_emails: set[str] = set()
        self.used_names: set[tuple[str, str, str]] = set()

    @property
    def director(self) -> User:
        return self.users["director"]

    def run(self) -> None:
        self.create_users()
        self.create_programs()
        self.create_groups()
        learners = self.create_learners()
        self.enroll_all(learners)

    # --- people -------------------------------------------------------------------------------

    def create_users(self) -> None:
        # One hash for all demo accounts: hashing is deliberately slow and they share a password.
        password = make_password(PASSWORD)
        accounts = (*STAFF, ("learner", "Анна Сергеевна", "Смирнова", roles.LEARNER))
        for username, first_name, last_name, role in accounts:
            email = f"{username}@example.ru"
            if role == roles.LEARNER:
                email = "smirnova.a@example.ru"  # the same address as her learner record
            user = User.objects.create(
                username=username,
                first_name=first_name,
                last_name=last_name,
                email=email,
                password=password,
                is_staff=role == roles.ADMINISTRATION,
            )
            user.groups.add(Role.objects.get(name=role))
            self.users[username] = user

    def new_snils(self) -> str:
        # Numbers up to 001-001-998 have no checksum; stay well above them.
        while True:
            first_nine = f"{self.rng.randrange(2_000_000, 200_000_000):09d}"
            if first_nine not in self.used_snils:
                self.used_snils.add(first_nine)
                return snils.with_checksum(first_nine)

    def new_email(self, last_name: str, first_name: str) -> str:
        domain = "example.ru" if self.rng.random() < 0.75 else "example.com"
        base = f"{translit(last_name)}.{translit(first_name[0])}"
        email, suffix = f"{base}@{domain}", 2
        while email in self.used_emails:
            email, suffix = f"{base}{suffix}@{domain}", suffix + 1
        self.used_emails.add(email)
        return email

    def new_phone(self) -> str:
        r = self.rng.randrange
        return f"+7 9{r(100):02d} {r(1000):03d}-{r(100):02d}-{r(100):02d}"

    def new_birth_date(self, earliest: dt.date, latest: dt.date) -> dt.date:
        return earliest + dt.timedelta(days=self.rng.randrange((latest - earliest).days + 1))

    def new_name(self, sex: str) -> tuple[str, str, str]:
        female = sex == Learner.Sex.FEMALE
        while True:
            surname = self.rng.choice(SURNAMES)
            last = feminine(surname) if female else surname
            first = self.rng.choice(FEMALE_NAMES if female else MALE_NAMES)
            middle = self.rng.choice(PATRONYMICS)
            middle = middle[:-2] + "на" if female else middle
            if (last, first, middle) not in self.used_names:
                self.used_names.add((last, first, middle))
                return last, first, middle

    def diploma(self, level: str, last_name: str, birth_date: dt.date) -> dict[str, str]:
        r = self.rng.randrange
        old = birth_date.year < 1990  # forms issued before 2014 have letter series
        if level == Learner.EducationLevel.HIGHER:
            series = self.rng.choice(("ВСГ", "ВСВ", "ВСА", "ДВС")) if old else f"1077{r(100):02d}"
        else:
            series = self.rng.choice(("СБ", "АК")) if old else f"1152{r(100):02d}"
        return {
            "education_level": level,
            "diploma_last_name": last_name,
            "diploma_series": series,
            "diploma_number": f"{r(10_000_000):07d}",
        }

    def adult_fields(self, sex: str, name: tuple[str, str, str] | None = None) -> dict[str, object]:
        last, first, middle = name or self.new_name(sex)
        birth_date = self.new_birth_date(dt.date(1965, 1, 1), dt.date(2003, 12, 31))
        level = (
            Learner.EducationLevel.HIGHER
            if self.rng.random() < 0.85
            else Learner.EducationLevel.SECONDARY_VOCATIONAL
        )
        fields: dict[str, object] = {
            "last_name": last,
            "first_name": first,
            "middle_name": middle,
            "birth_date": birth_date,
            "sex": sex,
            "email": self.new_email(last, first),
            "phone": self.new_phone(),
            **self.diploma(level, last, birth_date),
        }
        if sex == Learner.Sex.FEMALE and self.rng.random() < 0.15:
            # Married since graduating: the diploma still bears the maiden name.
            fields["diploma_last_name"] = feminine(self.rng.choice(SURNAMES))
        if self.rng.random() < 0.9:
            fields["snils"] = self.new_snils()
        elif self.rng.random() < 0.4:
            fields["citizenship"] = self.rng.choice(FOREIGN_CITIZENSHIPS)
        return fields

    def minor_fields(self) -> dict[str, object]:
        sex = self.rng.choice((Learner.Sex.MALE, Learner.Sex.FEMALE))
        last, first, middle = self.new_name(sex)
        mother_last = feminine(last) if sex == Learner.Sex.MALE else last
        mother_first = self.rng.choice(FEMALE_NAMES)
        mother_middle = self.rng.choice(PATRONYMICS)[:-2] + "на"
        return {
            "last_name": last,
            "first_name": first,
            "middle_name": middle,
            # Seventeen on the demo's "today" (28.11.2026), so a legal representative is needed.
            "birth_date": self.new_birth_date(dt.date(2009, 1, 1), dt.date(2009, 11, 27)),
            "sex": sex,
            "snils": self.new_snils(),
            "phone": self.new_phone(),
            "email": self.new_email(last, first),
            "representative_name": f"{mother_last} {mother_first} {mother_middle}",
            "representative_kind": "мать",
            "representative_phone": self.new_phone(),
            "representative_email": self.new_email(mother_last, mother_first),
        }

    def create_learners(self) -> list[Learner]:
        """The demo learner first, then two minors, then adults (about two thirds women)."""
        account = self.users["learner"]
        self.used_names.add(("Смирнова", "Анна", "Сергеевна"))
        self.used_emails.add(account.email)
        smirnova = self.adult_fields(Learner.Sex.FEMALE, ("Смирнова", "Анна", "Сергеевна"))
        smirnova.update(email=account.email, snils=self.new_snils(), citizenship="643")
        rows = [{**smirnova, "user": account}, self.minor_fields(), self.minor_fields()]
        while len(rows) < LEARNER_COUNT:
            sex = Learner.Sex.FEMALE if self.rng.random() < 0.65 else Learner.Sex.MALE
            rows.append(self.adult_fields(sex))
        return [people_services.create_learner(by=self.director, **fields) for fields in rows]

    # --- programs and groups ------------------------------------------------------------------

    def create_programs(self) -> None:
        for key, (fields, modules) in PROGRAMS.items():
            assert sum(hours for _, hours, _ in modules) == fields["hours"]
            curators = [self.users[name] for name in PROGRAM_CURATORS[key]]
            program = services.create_program(by=self.director, curators=curators, **fields)
            self.programs[key] = program
            self.modules[key] = [
                services.create_module(
                    by=self.director,
                    program=program,
                    order=order,
                    title=title,
                    hours=hours,
                    attestation_form=form,
                )
                for order, (title, hours, form) in enumerate(modules, start=1)
            ]

    def create_groups(self) -> None:
        for code, key, starts_on, ends_on, curator, *_ in GROUPS:
            group = services.create_group(
                by=self.director,
                code=code,
                program=self.programs[key],
                starts_on=day(starts_on),
                ends_on=day(ends_on),
                curator=self.users[curator],
            )
            self.groups[code] = group
            for module, teacher in zip(self.modules[key], TEACHERS[code].split(), strict=True):
                services.assign_teacher(
                    by=self.director, group=group, module=module, teacher=self.users[teacher]
                )

    # --- enrolments ---------------------------------------------------------------------------

    def rosters(self, learners: list[Learner]) -> dict[str, list[Learner]]:
        """Who studies in which group: mostly different people, some returning a year later."""
        smirnova, minors, pool = learners[0], learners[1:3], learners[3:]
        self.rng.shuffle(pool)
        rosters: dict[str, list[Learner]] = {code: [] for code, *_ in GROUPS}
        rosters["ПК-2025-01"].append(smirnova)
        rosters["ПП-2026-01"].append(smirnova)
        rosters["КК-2026-01"].extend(minors)  # a first-aid course is open to minors
        for source, target, count in RETURNING:
            returning, pool = pool[:count], pool[count:]
            rosters[source].extend(returning)
            rosters[target].extend(returning)
        for code, *_, size in GROUPS:
            missing = size - len(rosters[code])
            rosters[code].extend(pool[:missing])
            pool = pool[missing:]
        return rosters

    def enroll_all(self, learners: list[Learner]) -> None:
        rosters = self.rosters(learners)
        # A regional order pays for two teachers on the current upgrade course.
        budget = {("ПК-2026-01", learner.pk) for learner in rosters["ПК-2026-01"][-2:]}
        expulsions: dict[str, list[tuple[str, dt.date]]] = {}
        for code, number, date in EXPULSIONS:
            expulsions.setdefault(code, []).append((number, day(date)))
        for code, *_, order_number, order_date, _ in GROUPS:
            group = self.groups[code]
            enrollments = []
            for learner in rosters[code]:
                if (code, learner.pk) in budget:
                    funding = Funding.BUDGET
                else:
                    funding = Funding.INDIVIDUAL if self.rng.random() < 0.7 else Funding.EMPLOYER
                enrollments.append(
                    services.enroll(
                        by=self.director,
                        learner=learner,
                        group=group,
                        funding=funding,
                        admission_order_number=order_number,
                        admission_order_date=day(order_date),
                    )
                )
            if group.starts_on < RUNNING_SINCE:
                self.finish(enrollments, group.ends_on, expulsions.get(code, []))
            elif code == "ПП-2026-01":
                on_leave = enrollments[-1]
                services.update_enrollment(
                    by=self.director,
                    enrollment=on_leave,
                    expected_version=on_leave.version,
                    status=Status.ACADEMIC_LEAVE,
                    reason="Заявление слушателя от 12.10.2026 (медицинские показания)",
                )

    def finish(
        self, enrollments: list[Enrollment], ends_on: dt.date, expulsions: list[tuple[str, dt.date]]
    ) -> None:
        """Expel a few (never the first, who may be the demo learner) and graduate the rest."""
        expelled = self.rng.sample(enrollments[1:], len(expulsions))
        for enrollment, (number, date) in zip(expelled, expulsions, strict=True):
            services.update_enrollment(
                by=self.director,
                enrollment=enrollment,
                expected_version=enrollment.version,
                status=Status.EXPELLED,
                expulsion_order_number=number,
                expulsion_order_date=date,
                expulsion_reason="по собственному желанию",
            )
        for enrollment in enrollments:
            if enrollment not in expelled:
                services.update_enrollment(
                    by=self.director,
                    enrollment=enrollment,
                    expected_version=enrollment.version,
                    status=Status.COMPLETED,
                    completed_on=ends_on,
                )


class Command(BaseCommand):
    help = (
        "Fill an empty database with demo data (users with password «zachetka-demo», programs, "
        "groups, learners, enrolments), every change recorded in the audit trail. Does nothing "
        "if the demo is already there."
    )

    def handle(self, *args: object, **options: object) -> None:
        if User.objects.filter(username="director").exists():
            self.stdout.write("Демо-данные уже загружены.")
            return
        with transaction.atomic():
            DemoLoader(random.Random(SEED)).run()
        statuses = Counter(Enrollment.objects.values_list("status", flat=True))
        head = AuditChainHead.objects.filter(id=1).first()
        self.stdout.write(
            "Демо-данные загружены.\n"
            f"  Программ: {Program.objects.count()}, модулей: {Module.objects.count()}, "
            f"групп: {Group.objects.count()}.\n"
            f"  Слушателей: {Learner.objects.count()}, зачислений: {sum(statuses.values())} "
            f"(обучаются — {statuses[Status.STUDYING]}, завершили — {statuses[Status.COMPLETED]}, "
            f"отчислены — {statuses[Status.EXPELLED]}, "
            f"в академическом отпуске — {statuses[Status.ACADEMIC_LEAVE]}).\n"
            f"  Событий в журнале аудита: {head.last_seq if head else 0}.\n"
            "  Вход: director, registrar, curator, curator2, teacher, teacher2–teacher4, learner; "
            f"пароль {PASSWORD}."
        )
