"""Russian alphabetical order: the Python key, and the database's collation agreeing with it."""

import pytest
from django.contrib.auth.models import User

from zachetka.core.collation import collated, compare, ru_key
from zachetka.people.models import Learner

RUSSIAN_ORDER = ["Елисеев", "Ёлкин", "Жуков", "Фёдорова", "Фролова"]


def test_yo_sorts_with_ye_before_zhe():
    shuffled = ["Фролова", "Жуков", "Ёлкин", "Фёдорова", "Елисеев"]
    assert sorted(shuffled, key=ru_key) == RUSSIAN_ORDER
    assert sorted(shuffled) != RUSSIAN_ORDER  # code points put ё after я


def test_case_does_not_change_the_order():
    shuffled = ["ФРОЛОВА", "жуков", "ЁЛКИН", "фёдорова", "Елисеев"]
    assert sorted(shuffled, key=ru_key) == ["Елисеев", "ЁЛКИН", "жуков", "фёдорова", "ФРОЛОВА"]
    assert sorted(["Яковлев", "абрамов", "Борисов"], key=ru_key) == ["абрамов", "Борисов", "Яковлев"]


def test_ye_and_yo_differ_only_after_the_letters():
    # Letters first: «ёа» before «еб»; equal letters: е before ё; then lower before upper case.
    assert sorted(["еб", "ёа"], key=ru_key) == ["ёа", "еб"]
    assert sorted(["Ёлкин", "ёлкин", "Елкин", "елкин"], key=ru_key) == ["елкин", "Елкин", "ёлкин", "Ёлкин"]


def test_short_i_is_a_letter_of_its_own():
    assert sorted(["йод", "иволга", "кит", "ия"], key=ru_key) == ["иволга", "ия", "йод", "кит"]


def test_hyphenated_and_compound_names():
    shuffled = ["Петрова", "Петров-Водкин", "Петров", "Петров Иван", "Петрова-Ёлкина", "Петрова-Елисеева"]
    assert sorted(shuffled, key=ru_key) == [
        "Петров",
        "Петров Иван",
        "Петров-Водкин",
        "Петрова",
        "Петрова-Елисеева",
        "Петрова-Ёлкина",
    ]


def test_cyrillic_before_latin_digits_before_letters():
    assert sorted(["Smith", "Яковлев", "1-я группа", "Абрамов"], key=ru_key) == [
        "1-я группа",
        "Абрамов",
        "Яковлев",
        "Smith",
    ]


def test_only_equal_strings_compare_equal():
    assert compare("Ёлкин", "Ёлкин") == 0
    assert compare("Елкин", "Ёлкин") < 0 < compare("Ёлкин", "Елкин")
    assert compare("Жуков", "Ёлкин") > 0


# Names a list may hold, including what ICU and a naive key could disagree on.
VARIED = [
    "Фролова",
    "Фёдорова",
    "Жуков",
    "Ёлкин",
    "Елисеев",
    "елкин",
    "Елкин",
    "ЁЛКИН",
    "Ежов",
    "Ёжиков",
    "Йоффе",
    "Иванов",
    "Ившин",
    "Петров-Водкин",
    "Петров Водкин",
    "Петрова",
    "Петров",
    "Д'Артаньян",
    "Дарьин",
    "Ясенев",
    "Аксёнов",
    "Аксенова",
    "Щукин",
    "Шулъгин",
    "Эйхе",
    "Юрьев",
]


@pytest.mark.django_db
def test_database_orders_names_as_ru_key(make_learner):
    for last_name in VARIED:
        make_learner(last_name=last_name, first_name="Имя", middle_name="", snils="")
    from_database = list(Learner.objects.order_by("last_name", "pk").values_list("last_name", flat=True))
    assert from_database == sorted(VARIED, key=ru_key)
    # Letters decide before ё does: «Аксёнов» is a prefix of «Аксенова» up to the ё.
    assert from_database[:2] == ["Аксёнов", "Аксенова"]
    assert from_database.index("Ёжиков") < from_database.index("Ежов") < from_database.index("Жуков")


@pytest.mark.django_db
def test_the_collation_keeps_equality_exact(make_learner):
    make_learner(last_name="Ёлкин", snils="")
    make_learner(last_name="Елкин", snils="")
    assert list(Learner.objects.filter(last_name="Ёлкин").values_list("last_name", flat=True)) == ["Ёлкин"]
    assert Learner.objects.filter(last_name__icontains="ёлк").count() == 1


@pytest.mark.django_db
def test_staff_are_listed_in_russian_order(make_user):
    for n, last_name in enumerate(["Фролова", "Жуков", "Ёлкин", "Фёдорова", "Елисеев"]):
        make_user(f"staff{n}", last_name=last_name, first_name="Имя")
    listed = User.objects.filter(username__startswith="staff").order_by(*collated("last_name", "first_name"))
    assert [user.last_name for user in listed] == RUSSIAN_ORDER
    backwards = User.objects.filter(username__startswith="staff").order_by(*collated("-last_name"))
    assert [user.last_name for user in backwards] == RUSSIAN_ORDER[::-1]
