"""Which personal fields of a learner each role sees (152-ФЗ: each role sees what its work needs).

The table is data; `access.personal_fields` applies it (with the learner's own record and the
union of a user's roles), and every page, PDF and export asks that function before printing a
field. Rows a user sees at all are decided by the scopes in `access.py`, not here.

Field names are those of `people.Learner` (core imports no other app, so they are spelled out;
a test checks that every personal field of the model is in exactly one kind below).
"""

from zachetka.core import roles

# Who the learner is, as every page that lists them needs: the name, and sex because the
# Russian words about them agree with it (and it is read off the patronymic anyway).
NAME = ("last_name", "first_name", "middle_name", "sex")
# Identifying data for ФИС ФРДО and documents of education.
IDENTITY = ("birth_date", "snils", "citizenship")
# How to reach the learner or their legal representative.
CONTACTS = (
    "email",
    "phone",
    "representative_name",
    "representative_kind",
    "representative_phone",
    "representative_email",
)
# The education the learner had before (the diploma that admitted them).
PRIOR_EDUCATION = ("education_level", "diploma_last_name", "diploma_series", "diploma_number")

ALL = frozenset(NAME + IDENTITY + CONTACTS + PRIOR_EDUCATION)

KINDS: dict[str, tuple[str, ...]] = {
    "ФИО и пол": NAME,
    "СНИЛС, дата рождения, гражданство": IDENTITY,
    "контакты (телефон, эл. почта, законный представитель)": CONTACTS,
    "имеющееся образование (уровень, диплом)": PRIOR_EDUCATION,
}

# What each role sees of the learners its scope reaches: a teacher and a curator of the groups
# they teach or curate (only those groups' learners), the registry and the administration of
# everyone, a learner of themself. A user with several roles sees the union, learner by learner.
BY_ROLE: dict[str, frozenset[str]] = {
    roles.ADMINISTRATION: ALL,
    roles.STAFF: ALL,
    roles.CURATOR: frozenset(NAME + CONTACTS),
    roles.TEACHER: frozenset(NAME),
    roles.LEARNER: ALL,
}
