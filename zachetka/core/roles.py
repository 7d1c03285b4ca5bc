"""The five roles of the regulation (п. 4.2, 5.1) as Django groups, and what each may do.

Permissions are Django model permissions ("app_label.codename"); rows a role may see are
decided separately, by the scopes in `access.py`.
"""

ADMINISTRATION = "Администрация"
STAFF = "Административный персонал"
CURATOR = "Куратор программы"
TEACHER = "Педагогический работник"
LEARNER = "Обучающийся"
# A third party's representative (an employer): sees only learners who consented to it.
EMPLOYER = "Представитель организации"

ALL_ROLES = (ADMINISTRATION, STAFF, CURATOR, TEACHER, LEARNER, EMPLOYER)
STAFF_ROLES = (ADMINISTRATION, STAFF, CURATOR, TEACHER)

# Current grades and assessments (the gradebook); rows are limited by access.may_grade.
_GRADING = (
    "gradebook.view_grade",
    "gradebook.add_grade",
    "gradebook.change_grade",
    "gradebook.view_assessment",
    "gradebook.add_assessment",
    "gradebook.change_assessment",
    "gradebook.delete_assessment",
)

# Intermediate statements and protocols; rows are limited by group scope and seats.
_ATTESTATION = (
    "attestation.view_protocol",
    "attestation.add_protocol",
    "attestation.change_protocol",
    "attestation.view_commission",
    "attestation.view_academicdebt",
)

# Recording learners' achievements and deciding on those learners propose; rows by learner scope.
_ACHIEVEMENTS = (
    "achievements.view_achievement",
    "achievements.add_achievement",
    "achievements.change_achievement",
    "cards.view_cardversion",
)

_REGISTRY_WORK = (
    "people.view_learner",
    "people.add_learner",
    "people.change_learner",
    "people.import_learners",
    "programs.view_program",
    "programs.add_program",
    "programs.change_program",
    "programs.view_module",
    "programs.add_module",
    "programs.change_module",
    "programs.view_group",
    "programs.add_group",
    "programs.change_group",
    "programs.view_teachingassignment",
    "programs.add_teachingassignment",
    "programs.delete_teachingassignment",
    "programs.view_enrollment",
    "programs.add_enrollment",
    "programs.change_enrollment",
    *_GRADING,
    *_ATTESTATION,
    "attestation.add_commission",
    "documents.view_document",
    "documents.add_document",
    "documents.change_document",
    "documents.view_frdoexport",
    "documents.add_frdoexport",
    # The register of blanks of strict accountability: receipts, stock, write-off acts.
    "blanks.view_blank",
    "blanks.view_blankreceipt",
    "blanks.add_blankreceipt",
    "blanks.view_writeoffact",
    "blanks.add_writeoffact",
    *_ACHIEVEMENTS,
    # Retention of electronic records: holds, destruction acts (drafted and executed here,
    # approved by the administration), the backups register.
    "archive.view_destructionact",
    "archive.add_destructionact",
    "archive.change_destructionact",
    "archive.add_retentionhold",
    "archive.change_retentionhold",
    "archive.view_backuprecord",
    "archive.change_backuprecord",
    # Who opened a learner's data and when (the access log), with its XLSX.
    "accesslog.view_accessrecord",
    # The paper archive: the nomenclature of cases and the originals filed in them.
    "paper.view_case",
    "paper.add_case",
    "paper.change_case",
    "paper.view_paperoriginal",
    "paper.add_paperoriginal",
    # Personal data given to third parties: recipients, consents, withdrawals, disclosures.
    "privacy.view_recipient",
    "privacy.add_recipient",
    "privacy.view_consent",
    "privacy.add_consent",
    "privacy.change_consent",
    "privacy.add_withdrawal",
    "privacy.change_withdrawal",
    "privacy.view_disclosure",
    "privacy.add_disclosure",
    # Accounts of recipients' representatives: opened and deactivated on the recipient's page.
    "privacy.view_recipientaccount",
    "privacy.add_recipientaccount",
    "privacy.change_recipientaccount",
)

PERMISSIONS: dict[str, tuple[str, ...]] = {
    ADMINISTRATION: (
        *_REGISTRY_WORK,
        "core.view_auditevent",
        "gradebook.add_gradebooklock",
        "gradebook.delete_gradebooklock",
        "attestation.delete_protocol",
        "documents.delete_document",
        "documents.view_verificationcheck",
        # The organisation's requisites every document prints.
        "organization.view_requisites",
        "organization.change_requisites",
        # Failed log-ins and current lock-outs (admin, django-axes); a lock-out can be lifted.
        "axes.view_accessfailurelog",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        # Retention: the administration approves destruction acts.
        "archive.approve_destructionact",
        # Staff accounts, grading scales and the organisation's deadlines (Администрирование).
        "staff.view_staffprofile",
        "staff.add_staffprofile",
        "staff.change_staffprofile",
        "gradebook.view_gradingscale",
        "gradebook.add_gradingscale",
        "gradebook.change_gradingscale",
        "organization.view_deadlines",
        "organization.change_deadlines",
        # Tokens of the systems that use the API (Администрирование → Интеграции).
        "api.view_apitoken",
        "api.add_apitoken",
        "api.change_apitoken",
    ),
    STAFF: _REGISTRY_WORK,
    CURATOR: (
        "people.view_learner",
        "programs.view_program",
        "programs.view_module",
        "programs.view_group",
        "programs.change_group",
        "programs.view_teachingassignment",
        "programs.add_teachingassignment",
        "programs.delete_teachingassignment",
        "programs.view_enrollment",
        *_GRADING,
        *_ATTESTATION,
        "documents.view_document",
        # Curators see how many blanks are left (who holds a used one only in their groups).
        "blanks.view_blank",
        *_ACHIEVEMENTS,
    ),
    TEACHER: (
        "achievements.view_achievement",
        "cards.view_cardversion",
        "people.view_learner",
        "programs.view_program",
        "programs.view_module",
        "programs.view_group",
        "programs.view_teachingassignment",
        "programs.view_enrollment",
        *_GRADING,
        *_ATTESTATION,
    ),
    LEARNER: (),
    # Rows: only learners whose consent covers the organisation (access.employer_learner_scope).
    EMPLOYER: ("privacy.view_employer_learners",),
}
