"""`load_demo`: fill an empty database with a realistic, reproducible demo of a ДПО record.

Every domain write goes through the services — the director's for the record, the teachers'
for the gradebook — so the demo's audit trail looks like the one a real office would leave. The
same seed always gives the same people, programs, groups and enrolments; the gradebook is filled
up to the day the command runs (assessments held by then, deadlines counted from then).
"""

import datetime as dt
import functools
import itertools
import random
from collections import Counter
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group as Role
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from zachetka.achievements import services as achievements
from zachetka.attestation import services as attestation
from zachetka.attestation.models import AcademicDebt, Protocol
from zachetka.blanks import services as blanks
from zachetka.cards.models import CardVersion
from zachetka.core import roles, snils
from zachetka.core.models import AuditChainHead
from zachetka.documents import services as documents
from zachetka.documents.models import Document
from zachetka.gradebook import selectors as gradebook_selectors
from zachetka.gradebook import services as gradebook
from zachetka.gradebook.models import Assessment, Grade, GradeChange, GradingScale
from zachetka.organization import selectors as organization_selectors
from zachetka.organization import services as organization
from zachetka.people import services as people_services
from zachetka.people.models import Learner
from zachetka.programs import services
from zachetka.programs.models import Enrollment, Group, Module, Program, TeachingAssignment
from zachetka.staff.models import StaffProfile
from zachetka.web.demo import annulment, employer, paper_archive, retention, revocation, vocational

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
# Posts on the «Сотрудники» page (staff.StaffProfile).
POSTS = {
    "director": "Директор",
    "registrar": "Специалист учебной части",
    "curator": "Методист",
    "curator2": "Методист",
    "teacher": "Преподаватель",
    "teacher2": "Старший преподаватель",
    "teacher3": "Преподаватель",
    "teacher4": "Преподаватель",
}

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
LEAVE_FROM = dt.date(2026, 10, 12)  # the ПП-2026-01 learner on academic leave applied that day

# --- gradebook ---
Kind = Assessment.Kind
Scale = GradingScale.Kind
SUNDAY = 6
# Finished groups get a light gradebook: this many assessments per module.
FINISHED_ASSESSMENTS = {"ПП-2025-01": 1, "ПК-2025-01": 2, "КК-2025-01": 1}
RUNNING_ASSESSMENTS = (2, 5)  # a running group's started module gets between these many
ONLINE_TESTERS = ("teacher", "teacher3")  # their tests in running groups are scored out of 100
OVERDUE_TEACHER = "teacher"  # who has fallen behind on one column (the «Просроченные» page)
ABSENCE_RATE = 0.02
# The retake behind the demo's one correction after the deadline: genitive, what changed.
RETAKE = {
    Kind.PRACTICAL: ("практической работы", "работа доработана"),
    Kind.CONTROL: ("контрольной работы", "работа переписана"),
    Kind.TEST: ("теста", "тест пройден повторно"),
}

# --- attestation ---
# Commissions per program: order number and date, members besides the director (chair), the
# registrar (secretary) and the program's curator.
COMMISSIONS = {
    "pk": ("11-о", "2025-02-24", ("teacher2",)),
    "pp": ("6-о", "2025-01-27", ("teacher3", "teacher4")),
    "kk": ("112-о", "2025-10-06", ("teacher3",)),
}
FINAL_FORMS = {"pk": Protocol.FinalForm.TEST, "pp": Protocol.FinalForm.DEFENSE, "kk": Protocol.FinalForm.EXAM}
RETAKE_GROUP = "ПК-2025-01"  # one learner fails a module, owes it, and passes the retake
FINAL_FAILURE_GROUP = "ПП-2025-01"  # one learner fails the defense and gets a справка
MID_ATTESTATION_GROUP = "ПП-2026-01"  # finished modules attested, the latest statement a draft
THESIS_TOPICS = (
    "Организация внутренней системы оценки качества образования",
    "Управление проектами развития образовательной организации",
    "Формирование кадрового резерва образовательной организации",
    "Внедрение эффективного контракта в образовательной организации",
    "Маркетинговая стратегия центра дополнительного образования",
    "Развитие сетевого взаимодействия образовательных организаций",
    "Бюджетирование в автономном образовательном учреждении",
    "Организация наставничества для молодых педагогов",
    "Управление изменениями при переходе на цифровые сервисы",
    "Система мотивации педагогических работников",
    "Программа развития образовательной организации на пять лет",
    "Управление платными образовательными услугами",
)

# --- documents ---
# Blank series and the first blank number per finished group; documents are handed out this
# many days after the final protocol.
BLANKS = {"ПП-2025-01": ("ПП", "000341"), "ПК-2025-01": ("УД", "001207"), "КК-2025-01": ("", "")}
# Ranges of blanks received into the register before the first documents: (form, series, first,
# last, date, supplier document).
BLANK_RECEIPTS = (
    ("pp", "ПП", "000341", "000400", dt.date(2025, 1, 20), "Товарная накладная № 12 от 20.01.2025"),
    ("pk", "УД", "001201", "001700", dt.date(2025, 1, 20), "Товарная накладная № 12 от 20.01.2025"),
)
ISSUE_AFTER_DAYS = 3
UNISSUED_CERTIFICATE_GROUP = "ПП-2025-01"  # one expelled learner there still awaits a справка
# The director's order ending the studies of each finished group, the day after its final protocol.
COMPLETION_ORDERS = {"ПП-2025-01": "112-в", "ПК-2025-01": "61-в", "КК-2025-01": "187-в"}

# --- achievements ---
# A one-page PDF standing in for a scanned certificate.
EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


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
        self.today = timezone.localdate()
        self.abilities: dict[int, float] = {}  # learner pk → how well they usually do (2.9–5)

    @property
    def director(self) -> User:
        return self.users["director"]

    def run(self) -> None:
        self.create_users()
        self.fill_requisites()
        self.create_programs()
        self.create_groups()
        learners = self.create_learners()
        self.enroll_all(learners)
        self.fill_gradebook()
        self.record_achievements()
        self.attest()
        self.issue_documents()
        # Later chapters, in date order, each in a module of its own (zachetka/web/demo/).
        for chapter in (vocational, annulment, revocation, retention, employer, paper_archive):
            chapter.tell(self)

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
            )
            user.groups.add(Role.objects.get(name=role))
            if username in POSTS:
                StaffProfile.objects.create(user=user, post=POSTS[username])
            self.users[username] = user

    def fill_requisites(self) -> None:
        # The signatories are the demo's director and registrar; no licence is invented.
        current = organization_selectors.current()
        organization.update_requisites(
            by=self.director,
            expected_version=current.version,
            full_name=current.full_name,
            short_name=current.short_name,
            city="г. Москва",
            address="101000, г. Москва, ул. Учебная, д. 1 (демо)",
            licence_number="",
            licence_date=None,
            head_post="Директор",
            head_name="Кузнецова Ольга Викторовна",
            secretary_name="Соколова Марина Олеговна",
        )

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
                self.expel(enrollments, expulsions.get(code, []))
            elif code == "ПП-2026-01":
                on_leave = enrollments[-1]
                services.update_enrollment(
                    by=self.director,
                    enrollment=on_leave,
                    expected_version=on_leave.version,
                    status=Status.ACADEMIC_LEAVE,
                    reason=f"Заявление слушателя от {LEAVE_FROM:%d.%m.%Y} (медицинские показания)",
                )

    def expel(self, enrollments: list[Enrollment], expulsions: list[tuple[str, dt.date]]) -> None:
        """Expel a few (never the first, who may be the demo learner); the rest complete the
        course by the final attestation protocol (`attest`)."""
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

    # --- gradebook ----------------------------------------------------------------------------

    def fill_gradebook(self) -> None:
        """Assessments and grades up to today, entered by the modules' teachers.

        Everything is entered "now", so columns past their deadline take first values as late
        ones; a few cells stay empty (overdue), one grade is corrected with a reason.
        """
        kinds = (Scale.PASS_FAIL, Scale.FIVE_POINT, Scale.HUNDRED_POINT)
        scales = {kind: GradingScale.objects.get(kind=kind) for kind in kinds}
        columns: list[tuple[Assessment, User]] = []
        for code, key, *_ in GROUPS:
            group = self.groups[code]
            if group.starts_on > self.today:
                continue
            modules = self.modules[key]
            spans = dict(zip((m.pk for m in modules), module_spans(group, modules), strict=True))
            online_tests = group.starts_on >= RUNNING_SINCE
            assignments = TeachingAssignment.objects.filter(group=group).select_related("module")
            for assignment in assignments.order_by("module__order", "pk"):
                module, teacher = assignment.module, self.users[assignment.teacher.username]
                first, last = spans[module.pk]
                if first > self.today:
                    continue
                count = FINISHED_ASSESSMENTS.get(code) or self.rng.randint(*RUNNING_ASSESSMENTS)
                finished = last <= self.today
                held = self.session_days(first, min(last, self.today), count, finished=finished)
                plan = self.assessment_plan(module, len(held), finished=finished)
                for held_on, (title, kind, weight, scale) in zip(held, plan, strict=True):
                    if kind == Kind.TEST and online_tests and teacher.username in ONLINE_TESTERS:
                        scale = Scale.HUNDRED_POINT
                    assessment = gradebook.create_assessment(
                        by=teacher,
                        group=group,
                        module=module,
                        held_on=held_on,
                        title=title,
                        kind=kind,
                        weight=weight,
                        scale=scales[scale],
                    )
                    columns.append((assessment, teacher))
        self.enter_grades(columns)

    def session_days(self, first: dt.date, last: dt.date, count: int, *, finished: bool) -> list[dt.date]:
        """Up to `count` dates spread over first..last, no Sundays; a finished module's last."""
        days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        days = [d for d in days if d.weekday() != SUNDAY]
        count = min(count, len(days))
        bounds = [len(days) * n // count for n in range(count + 1)] if count else [0]
        picked = [days[self.rng.randrange(lo, hi)] for lo, hi in itertools.pairwise(bounds)]
        if picked and finished:
            picked[-1] = days[-1]  # the final assessment on the module's last day
        return picked

    def assessment_plan(
        self, module: Module, count: int, *, finished: bool
    ) -> list[tuple[str, str, int, str]]:
        """Titles, kinds, weights and scales: practical works and tests, a final one if ended.

        A lone column of a credit module stays a (pass/fail) practical work.
        """
        plan: list[tuple[str, str, int, str]] = []
        practical = 0
        form = module.attestation_form
        tests_scale = Scale.HUNDRED_POINT if form == Form.TEST else Scale.FIVE_POINT
        for number in range(1, count + 1):
            if finished and number == count and (count > 1 or form != Form.CREDIT):
                if form == Form.TEST:
                    plan.append(("Итоговый тест", Kind.TEST, 2, Scale.HUNDRED_POINT))
                else:
                    plan.append(("Контрольная работа", Kind.CONTROL, 2, Scale.FIVE_POINT))
            elif number == 2:
                plan.append(("Тест по теме 2", Kind.TEST, 1, tests_scale))
            elif number == 1 or self.rng.random() < 0.45:
                practical += 1
                # A credit module's first practical work is simply passed or not.
                credit = number == 1 and form == Form.CREDIT
                scale = Scale.PASS_FAIL if credit else Scale.FIVE_POINT
                plan.append((f"Практическая работа {practical}", Kind.PRACTICAL, 1, scale))
            elif self.rng.random() < 0.25:
                plan.append((f"Опрос по теме {number}", Kind.CURRENT, 1, Scale.FIVE_POINT))
            else:
                plan.append((f"Тест по теме {number}", Kind.TEST, 1, tests_scale))
        return plan

    def mark(self, scale: str, learner_id: int) -> str:
        """What a learner gets: mostly 4 and 5, some 3, rarely 2 or an absence."""
        ability = self.abilities.setdefault(learner_id, min(5.0, max(2.9, self.rng.gauss(4.2, 0.5))))
        if self.rng.random() < ABSENCE_RATE:
            return "н"
        if scale == Scale.HUNDRED_POINT:
            return str(min(100, max(45, round(20 * ability + self.rng.gauss(0, 7)))))
        value = ability + self.rng.gauss(0, 0.5)
        if scale == Scale.PASS_FAIL:
            return "зачтено" if value >= 2.7 else "не зачтено"
        return str(min(5, max(2, round(value))))

    def overdue_cells(
        self, columns: list[tuple[Assessment, User]], rosters: dict[int, list[Enrollment]]
    ) -> dict[int, set[int]]:
        """Cells left empty past the deadline: assessment pk → enrolment pks.

        The latest past-deadline column of `teacher` in a running group, and one of a colleague
        in ПП-2026-01, so the «Просроченные» page has something to show.
        """
        past = [(a, t) for a, t in columns if a.due_on < self.today and a.group.starts_on >= RUNNING_SINCE]
        own = [a for a, t in past if t.username == OVERDUE_TEACHER]
        other = [a for a, t in past if t.username != OVERDUE_TEACHER and a.group.code == "ПП-2026-01"]
        empty: dict[int, set[int]] = {}
        for candidates, how_many in ((own, (4, 6)), (other, (2, 2))):
            if candidates:
                assessment = max(candidates, key=lambda a: (a.held_on, a.pk))
                studying = [e.pk for e in rosters[assessment.group_id] if e.status == Status.STUDYING]
                count = min(len(studying), self.rng.randint(*how_many))
                empty[assessment.pk] = set(self.rng.sample(studying, count))
        return empty

    def enter_grades(self, columns: list[tuple[Assessment, User]]) -> None:
        rosters: dict[int, list[Enrollment]] = {}
        for group in {assessment.group for assessment, _ in columns}:
            rosters[group.pk] = list(
                group.enrollments.filter(status__in=gradebook.GRADABLE_STATUSES).order_by("pk")
            )
        empty = self.overdue_cells(columns, rosters)
        entered: dict[int, list[Grade]] = {}
        for assessment, teacher in columns:
            if assessment.held_on == self.today:
                continue  # today's columns are still to be filled in
            # A pass/fail column: the exceptions one by one, then «зачтено» for all the rest.
            fill = assessment.scale.kind == Scale.PASS_FAIL and assessment.pk not in empty
            for enrollment in rosters[assessment.group_id]:
                if enrollment.pk in empty.get(assessment.pk, ()):
                    continue
                text = self.mark(assessment.scale.kind, enrollment.learner_id)
                if enrollment.status == Status.ACADEMIC_LEAVE and assessment.held_on >= LEAVE_FROM:
                    if assessment.due_on >= self.today:
                        continue  # nothing to enter yet for a learner on leave
                    text = "н"
                if fill and text == "зачтено":
                    continue
                grade = gradebook.record_grade(
                    by=teacher,
                    assessment=assessment,
                    enrollment=enrollment,
                    text=text,
                    expected_version=0,
                )
                if grade is not None:
                    entered.setdefault(assessment.pk, []).append(grade)
            if fill:
                gradebook.fill_column(by=teacher, assessment=assessment, text="зачтено")
        self.correct_one(columns, entered, skip=set(empty))

    def correct_one(
        self,
        columns: list[tuple[Assessment, User]],
        entered: dict[int, list[Grade]],
        skip: set[int],
    ) -> None:
        """A low grade of `teacher`'s raised after a retake, past the deadline: with a reason."""
        candidates = [
            assessment
            for assessment, teacher in columns
            if teacher.username == OVERDUE_TEACHER
            and assessment.due_on < self.today
            and assessment.kind in RETAKE
            and assessment.scale.kind == Scale.FIVE_POINT
            and assessment.pk not in skip
        ]
        # A practical work of a running group first, the most recent first; a 2 or 3 before
        # an absence.
        candidates.sort(
            key=lambda a: (
                a.group.starts_on < RUNNING_SINCE,
                a.kind != Kind.PRACTICAL,
                -a.held_on.toordinal(),
            )
        )
        for low_values in (("2", "3"), ("н/я",)):
            for assessment in candidates:
                low = [g for g in entered.get(assessment.pk, []) if g.value in low_values]
                if low:
                    self.retake(assessment, self.rng.choice(low))
                    return

    def retake(self, assessment: Assessment, grade: Grade) -> None:
        days = [assessment.held_on + dt.timedelta(days=n) for n in range(3, 9)]
        retake_on = self.rng.choice([d for d in days if d <= self.today and d.weekday() != SUNDAY])
        what, result = RETAKE[assessment.kind]
        gradebook.record_grade(
            by=self.users[OVERDUE_TEACHER],
            assessment=assessment,
            enrollment=grade.enrollment,
            text="5" if grade.value == "3" else "4",
            expected_version=grade.version,
            reason=f"Пересдача {what} {retake_on:%d.%m.%Y}: {result}",
        )

    # --- achievements -------------------------------------------------------------------------

    def record_achievements(self) -> None:
        """The demo learner's project, recorded by her curator during ПК-2025-01 (so it is on her
        frozen card), and a certificate she proposed from her cabinet, awaiting confirmation."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        smirnova = Learner.objects.get(user=self.users["learner"])
        completed = smirnova.enrollments.get(group__code="ПК-2025-01")
        running = smirnova.enrollments.get(group__code="ПП-2026-01")
        achievements.record(
            by=self.users["curator"],
            learner=smirnova,
            enrollment=completed,
            title="Электронный курс «Цифровой урок по информатике» для 7 класса",
            kind="project",
            achieved_on=dt.date(2025, 4, 4),
            description="Курс опубликован в школьной системе дистанционного обучения, 12 уроков.",
            evidence=SimpleUploadedFile("курс-цифровой-урок.pdf", EVIDENCE_PDF),
        )
        achievements.propose(
            by=self.users["learner"],
            enrollment=running,
            title="Сертификат онлайн-курса «Основы управления проектами»",
            kind="certificate",
            achieved_on=dt.date(2026, 10, 30),
            description="72 часа, платформа открытого образования.",
            evidence=SimpleUploadedFile("сертификат.pdf", EVIDENCE_PDF),
        )

    # --- attestation --------------------------------------------------------------------------

    def attest(self) -> None:
        """Intermediate statements of every finished module, signed by its teacher; in the 2025
        groups a signed final protocol that completes the course. One learner of ПК-2025-01
        retakes a module; ПП-2026-01 is in the middle of its intermediate attestation.

        Sittings are held in date order across groups, so protocol numbers follow the calendar.
        """
        commissions = {}
        for key, (number, date, members) in COMMISSIONS.items():
            curator = self.users[PROGRAM_CURATORS[key][0]]
            commissions[key] = attestation.create_commission(
                by=self.director,
                title=f"Аттестационная комиссия по программе «{self.programs[key].title}»",
                order_number=number,
                order_date=day(date),
                chair=self.director,
                secretary=self.users["registrar"],
                members=[curator, *(self.users[name] for name in members)],
                program=self.programs[key],
            )
        sittings: list[tuple[dt.date, int, Callable[[], None]]] = []
        for code, key, *_ in GROUPS:
            group = self.groups[code]
            finished_course = group.starts_on < RUNNING_SINCE
            if not finished_course and code != MID_ATTESTATION_GROUP:
                continue
            modules = self.modules[key]
            teachers = TEACHERS[code].split()
            spans = module_spans(group, modules)
            finished = [(m, last) for m, (_, last) in zip(modules, spans, strict=True) if last < self.today]
            for index, (module, last) in enumerate(finished):
                held_on = last - dt.timedelta(days=1) if last.weekday() == SUNDAY else last
                failing = index == 0 and code in (RETAKE_GROUP, MID_ATTESTATION_GROUP)
                draft = code == MID_ATTESTATION_GROUP and index == len(finished) - 1
                teacher = self.users[teachers[module.order - 1]]
                sittings.append(
                    (
                        held_on,
                        0,
                        functools.partial(
                            self.attest_module, group, module, teacher, held_on, failing=failing, draft=draft
                        ),
                    )
                )
                if failing and finished_course:
                    retake_on = held_on + dt.timedelta(days=7)
                    sittings.append(
                        (
                            retake_on,
                            1,
                            functools.partial(self.retake_module, group, module, teacher, retake_on),
                        )
                    )
            if finished_course:
                final = functools.partial(
                    self.final_attestation, group, key, commissions[key], failing=code == FINAL_FAILURE_GROUP
                )
                sittings.append((group.ends_on, 2, final))
        for _, _, sit in sorted(sittings, key=lambda sitting: sitting[:2]):
            sit()

    def attest_module(
        self, group: Group, module: Module, teacher: User, held_on: dt.date, *, failing: bool, draft: bool
    ) -> None:
        """The module's statement from the gradebook's current results; with `failing`, the
        learner in the middle of the list fails it."""
        statement = attestation.create_intermediate_statement(
            by=teacher, group=group, module=module, held_on=held_on
        )
        current = {
            row.enrollment.pk: row.result for row in gradebook_selectors.grid(teacher, group, module).rows
        }
        lines = list(statement.results.order_by("enrollment__learner__last_name", "pk"))
        failed_id = lines[len(lines) // 2].enrollment_id if failing and len(lines) > 1 else None
        entries = []
        for line in lines:
            text = self.attestation_mark(
                module, current.get(line.enrollment_id), failed=line.enrollment_id == failed_id
            )
            if line.value != text:
                entries.append(attestation.ResultEntry(line.enrollment_id, text))
        attestation.set_results(by=teacher, protocol=statement, entries=entries)
        if not draft:  # a draft is still being reviewed by its teacher
            attestation.sign_protocol(by=teacher, protocol=statement)

    def attestation_mark(self, module: Module, result: int | None, *, failed: bool) -> str:
        """The statement's result, from the learner's current result in the gradebook."""
        form = module.attestation_form
        if form == Module.AttestationForm.CREDIT:
            return "не зачтено" if failed else "зачтено"
        if form == Module.AttestationForm.TEST:
            return str(self.rng.randint(30, 45)) if failed else str(max(52, result or 75))
        if failed:
            return "2"
        score = result if result is not None else 75
        return "5" if score >= 85 else "4" if score >= 70 else "3"

    def retake_module(self, group: Group, module: Module, teacher: User, held_on: dt.date) -> None:
        """The first retake of the failed module, passed."""
        retake = attestation.create_intermediate_statement(
            by=teacher, group=group, module=module, held_on=held_on, attempt=2
        )
        entries = [
            attestation.ResultEntry(line.enrollment_id, self.attestation_mark(module, 60, failed=False))
            for line in retake.results.all()
        ]
        attestation.set_results(by=teacher, protocol=retake, entries=entries)
        attestation.sign_protocol(by=teacher, protocol=retake)

    def final_attestation(self, group: Group, key: str, commission: object, *, failing: bool) -> None:
        form = FINAL_FORMS[key]
        protocol = attestation.create_final_protocol(
            by=self.users["registrar"],
            group=group,
            held_on=group.ends_on,
            form=form,
            commission=commission,
            scale=GradingScale.objects.get(kind=Scale.FIVE_POINT),
        )
        lines = list(protocol.results.order_by("enrollment__learner__last_name", "pk"))
        topics = itertools.cycle(THESIS_TOPICS)
        entries = []
        for index, line in enumerate(lines):
            ability = self.abilities.get(line.enrollment.learner_id, 4.2)
            text = "5" if ability >= 4.5 else "4" if ability >= 3.8 else "3"
            if failing and index == len(lines) - 2:
                text = "2"
            topic = next(topics) if form == Protocol.FinalForm.DEFENSE else None
            entries.append(attestation.ResultEntry(line.enrollment_id, text, topic))
        attestation.set_results(by=self.users["registrar"], protocol=protocol, entries=entries)
        # The whole commission sat; every member signs, the chair last.
        members = list(protocol.members.select_related("user").order_by("pk"))
        present = [member.user_id for member in members]
        attestation.set_attendance(by=self.users["registrar"], protocol=protocol, present=present)
        for member in sorted(members, key=lambda m: m.role == "chair"):
            attestation.sign_protocol(by=member.user, protocol=protocol)

    # --- documents ----------------------------------------------------------------------------

    def issue_documents(self) -> None:
        """Documents of the finished groups by their final protocols, справки for those expelled
        (but one, still due), and one duplicate for a lost certificate; in date order, so
        registration numbers follow the calendar."""
        registrar = self.users["registrar"]
        for form, series, first, last, received_on, supplier_document in BLANK_RECEIPTS:
            blanks.receive_range(
                by=registrar,
                form=form,
                series=series,
                first_number=first,
                last_number=last,
                received_on=received_on,
                supplier_document=supplier_document,
            )
        handouts = []
        for code, *_ in GROUPS:
            group = self.groups[code]
            if group.starts_on >= RUNNING_SINCE:
                continue
            protocol = Protocol.objects.get(
                group=group, kind=Protocol.Kind.FINAL, status=Protocol.Status.SIGNED
            )
            handouts.append((protocol.held_on + dt.timedelta(days=ISSUE_AFTER_DAYS), group, protocol))
            expelled = group.enrollments.filter(status=Status.EXPELLED).order_by("expulsion_order_date", "pk")
            for index, enrollment in enumerate(expelled):
                if code == UNISSUED_CERTIFICATE_GROUP and index == len(expelled) - 1:
                    continue
                handouts.append((enrollment.expulsion_order_date + dt.timedelta(days=2), group, enrollment))
        for issued_on, group, basis in sorted(handouts, key=lambda h: (h[0], h[1].code)):
            if isinstance(basis, Protocol):
                self.complete_snils(basis)
                self.completion_order(basis, number=COMPLETION_ORDERS[group.code])
                series, first_number = BLANKS[group.code]
                documents.issue_from_protocol(
                    by=registrar,
                    protocol=basis,
                    issued_on=issued_on,
                    series=series,
                    first_number=first_number,
                )
            else:
                documents.issue_study_certificate(by=registrar, enrollment=basis, issued_on=issued_on)
        lost = (
            Document.objects.filter(
                enrollment__group__code="ПК-2025-01", kind=Document.Kind.QUALIFICATION_CERTIFICATE
            )
            .exclude(enrollment__learner__last_name="Смирнова")
            .order_by("registration_seq")[3]
        )
        documents.issue_duplicate(
            by=registrar,
            original=lost,
            issued_on=dt.date(2025, 11, 17),
            series="УД",
            number="001650",
            reason="Заявление об утрате удостоверения от 14.11.2025",
        )

    def completion_order(self, protocol: Protocol, *, number: str) -> None:
        for enrollment in protocol.group.enrollments.filter(status=Status.COMPLETED):
            services.update_enrollment(
                by=self.director,
                enrollment=enrollment,
                expected_version=enrollment.version,
                completion_order_number=number,
                completion_order_date=protocol.held_on + dt.timedelta(days=1),
            )

    def complete_snils(self, protocol: Protocol) -> None:
        """ФИС ФРДО needs a СНИЛС for each holder: those who had not given it bring it in."""
        for result in protocol.results.select_related("enrollment__learner"):
            learner = result.enrollment.learner
            if not learner.snils:
                people_services.update_learner(
                    by=self.users["registrar"],
                    learner=learner,
                    expected_version=learner.version,
                    reason="Слушатель предоставил СНИЛС для внесения сведений в ФИС ФРДО",
                    snils=self.new_snils(),
                )


def module_spans(group: Group, modules: list[Module]) -> list[tuple[dt.date, dt.date]]:
    """Modules follow one another, each taking a share of the group's dates by its hours."""
    days = (group.ends_on - group.starts_on).days + 1
    total = sum(module.hours for module in modules)
    spans, done, first = [], 0, group.starts_on
    for module in modules:
        done += module.hours
        last = max(first, group.starts_on + dt.timedelta(days=round(days * done / total) - 1))
        spans.append((first, last))
        first = last + dt.timedelta(days=1)
    return spans


class Command(BaseCommand):
    help = (
        "Fill an empty database with demo data (users with password «zachetka-demo», programs, "
        "groups, learners, enrolments, the gradebook up to today), every change recorded in the "
        "audit trail. Does nothing if the demo is already there."
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
            f"  Журнал: контрольных мероприятий — {Assessment.objects.count()}, "
            f"оценок — {Grade.objects.exclude(value='').count()}, "
            f"исправлений с указанием причины — {GradeChange.objects.exclude(reason='').count()}.\n"
            f"  Аттестация: подписанных ведомостей и протоколов — "
            f"{Protocol.objects.filter(status=Protocol.Status.SIGNED).count()}, черновиков — "
            f"{Protocol.objects.filter(status=Protocol.Status.DRAFT).count()}, непогашенных "
            f"задолженностей — {AcademicDebt.objects.filter(closed_at__isnull=True).count()}.\n"
            f"  Выдано документов: {Document.objects.count()} (дубликатов — "
            f"{Document.objects.filter(issue=Document.Issue.DUPLICATE).count()}); зафиксированных "
            f"индивидуальных карт: {CardVersion.objects.values('enrollment').distinct().count()}.\n"
            f"  Событий в журнале аудита: {head.last_seq if head else 0}.\n"
            "  Вход: director, registrar, curator, curator2, teacher, teacher2–teacher4, learner, employer; "
            f"пароль {PASSWORD}."
        )
