"""Every URL of the site, requested as every role: the answer each one must get.

`mine` objects belong to the group the curator and teacher personas work with; `other`
objects to a group of other staff. A URL added to the site without a row here fails
`test_every_url_is_in_the_matrix`.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from zachetka.api import services as api_services

ROLES = ("anonymous", "director", "registrar", "curator", "teacher", "learner")

# status per role, in the order of ROLES; "login" means a redirect to the log-in page.
ALL_STAFF = ("login", 200, 200, 200, 200, 403)
REGISTRY_ONLY = ("login", 200, 200, 403, 403, 403)
FOREIGN_VIEW = ("login", 200, 200, 404, 404, 403)
FOREIGN_ACTION = ("login", 302, 302, 404, 404, 403)
EVERYONE_SIGNED_IN = ("login", 200, 200, 200, 200, 200)
# Issued documents: the registry and curators see them (curators: their groups), teachers do not.
DOCUMENT_VIEW = ("login", 200, 200, 200, 403, 403)
DOCUMENT_FOREIGN = ("login", 200, 200, 404, 403, 403)
DOCUMENT_ACTION = ("login", 302, 302, 403, 403, 403)
DOCUMENT_FOREIGN_ACTION = ("login", 302, 302, 404, 403, 403)
ADMINISTRATION_ONLY = ("login", 200, 403, 403, 403, 403)
ADMINISTRATION_ACTION = ("login", 302, 403, 403, 403, 403)
API_ALL_STAFF = (401, 200, 200, 200, 200, 403)
API_FOREIGN = (401, 200, 200, 404, 404, 403)
API_REGISTRY_POST = (401, 415, 415, 403, 403, 403)
API_REGISTRY_EDIT = (401, 428, 428, 403, 403, 403)
API_REGISTRY_FOREIGN_EDIT = (401, 428, 428, 404, 404, 403)
# Old addresses of files now made by background jobs: they redirect to the page that starts the
# job (that page checks who may see it), and never start work on a GET.
OLD_FILE_ADDRESS = ("login", 302, 302, 302, 302, 302)

MATRIX: dict[tuple[str, str], tuple[str, tuple]] = {
    # (url name, object key) -> (method, statuses)
    ("web:home", ""): ("get", ("login", 200, 200, 200, 200, 302)),  # a learner goes to the cabinet
    ("login", ""): ("get", (200, 200, 200, 200, 200, 200)),
    ("logout", ""): ("post", (302, 302, 302, 302, 302, 302)),
    ("web:learner_list", ""): ("get", ALL_STAFF),
    # List exports are made by jobs: the page's form POSTs its filters (a GET goes back to it).
    ("web:learner_list_xlsx", ""): ("post", ("login", 302, 302, 302, 302, 403)),
    ("people:learner_create", ""): ("get", REGISTRY_ONLY),
    ("web:learner_detail", "classmate"): ("get", ALL_STAFF),
    ("web:learner_detail", "stranger"): ("get", FOREIGN_VIEW),
    ("people:learner_edit", "classmate"): ("get", REGISTRY_ONLY),
    ("people:learner_edit", "stranger"): ("get", FOREIGN_VIEW),
    ("programs:program_list", ""): ("get", ALL_STAFF),
    ("programs:program_create", ""): ("get", REGISTRY_ONLY),
    ("programs:program_detail", "mine_program"): ("get", ALL_STAFF),
    ("programs:program_detail", "other_program"): ("get", FOREIGN_VIEW),
    ("programs:program_edit", "mine_program"): ("get", REGISTRY_ONLY),
    ("programs:program_edit", "other_program"): ("get", FOREIGN_VIEW),
    ("programs:module_create", "mine_program"): ("get", REGISTRY_ONLY),
    ("programs:module_create", "other_program"): ("get", FOREIGN_VIEW),
    ("programs:module_edit", "mine_module"): ("get", REGISTRY_ONLY),
    ("programs:module_edit", "other_module"): ("get", FOREIGN_VIEW),
    ("programs:group_list", ""): ("get", ALL_STAFF),
    ("programs:group_create", ""): ("get", REGISTRY_ONLY),
    ("programs:group_detail", "mine"): ("get", ALL_STAFF),
    ("programs:group_detail", "other"): ("get", FOREIGN_VIEW),
    ("programs:group_edit", "mine"): ("get", ("login", 200, 200, 200, 403, 403)),
    ("programs:group_edit", "other"): ("get", FOREIGN_VIEW),
    ("programs:assignment_create", "mine"): ("post", ("login", 302, 302, 302, 403, 403)),
    ("programs:assignment_create", "other"): ("post", FOREIGN_ACTION),
    ("programs:assignment_delete", "mine_assignment"): ("post", ("login", 302, 302, 302, 403, 403)),
    ("programs:assignment_delete", "other_assignment"): ("post", FOREIGN_ACTION),
    ("programs:enrollment_create", "mine"): ("get", REGISTRY_ONLY),
    ("programs:enrollment_create", "other"): ("get", FOREIGN_VIEW),
    ("programs:enrollment_list", ""): ("get", ALL_STAFF),
    ("programs:enrollment_list_xlsx", ""): ("post", ("login", 302, 302, 302, 302, 403)),
    # Batch actions on a group's enrolments: nothing ticked is refused with a message (302).
    ("programs:enrollment_batch", "mine"): ("post", ("login", 302, 302, 403, 403, 403)),
    ("programs:enrollment_batch", "other"): ("post", FOREIGN_ACTION),
    ("programs:enrollment_edit", "own_enrollment"): ("get", REGISTRY_ONLY),
    ("programs:enrollment_edit", "stranger_enrollment"): ("get", FOREIGN_VIEW),
    ("web:learner_import", ""): ("get", REGISTRY_ONLY),
    ("web:learner_import_confirm", ""): ("post", ("login", 302, 302, 403, 403, 403)),
    ("web:learner_import_cancel", ""): ("post", ("login", 302, 302, 403, 403, 403)),
    ("core:audit_list", ""): ("get", ("login", 200, 403, 403, 403, 403)),
    ("core:audit_list_xlsx", ""): ("get", ("login", 200, 403, 403, 403, 403)),
    # The organisation's requisites every document prints: the administration's page.
    ("organization:requisites", ""): ("get", ("login", 200, 403, 403, 403, 403)),
    # Администрирование: staff accounts, grading scales, the organisation's deadlines.
    ("organization:deadlines", ""): ("get", ADMINISTRATION_ONLY),
    ("staff:administration", ""): ("get", ADMINISTRATION_ONLY),
    ("staff:staff_list", ""): ("get", ADMINISTRATION_ONLY),
    ("staff:staff_create", ""): ("get", ADMINISTRATION_ONLY),
    ("staff:staff_detail", "staff_member"): ("get", ADMINISTRATION_ONLY),
    ("staff:staff_edit", "staff_member"): ("get", ADMINISTRATION_ONLY),
    ("staff:staff_deactivate", "staff_member"): ("post", ADMINISTRATION_ACTION),
    ("staff:staff_reactivate", "staff_member"): ("post", ADMINISTRATION_ACTION),
    ("staff:invitation_send", "staff_member"): ("post", ADMINISTRATION_ACTION),
    ("staff:assignment_create", "staff_member"): ("post", ADMINISTRATION_ACTION),
    ("staff:assignment_delete", "mine_assignment"): ("post", ADMINISTRATION_ACTION),
    ("staff:curatorship_create", "staff_member"): ("post", ADMINISTRATION_ACTION),
    ("staff:curatorship_delete", "mine"): ("post", ADMINISTRATION_ACTION),
    ("staff:scale_list", ""): ("get", ADMINISTRATION_ONLY),
    ("staff:scale_create", ""): ("get", ADMINISTRATION_ONLY),
    ("staff:scale_edit", "scale"): ("get", ADMINISTRATION_ONLY),
    # Failed log-ins and lock-outs (django-axes); lifting a lock without a reason is refused (302).
    ("staff:logins", ""): ("get", ADMINISTRATION_ONLY),
    ("staff:lockout_lift", ""): ("post", ADMINISTRATION_ACTION),
    # Tokens of the systems that use the API: the administration issues and revokes them.
    ("api_tokens:token_list", ""): ("get", ADMINISTRATION_ONLY),
    ("api_tokens:token_revoke", "api_token"): ("post", ADMINISTRATION_ACTION),
    ("gradebook:grid", "mine_gm"): ("get", ALL_STAFF),
    ("gradebook:grid", "other_gm"): ("get", FOREIGN_VIEW),
    ("gradebook:grid_print", "mine_gm"): ("get", ALL_STAFF),
    ("gradebook:grid_print", "other_gm"): ("get", FOREIGN_VIEW),
    ("gradebook:lock", "mine_gm"): ("post", ("login", 302, 403, 403, 403, 403)),
    ("gradebook:lock", "other_gm"): ("post", ("login", 302, 403, 404, 404, 403)),
    ("gradebook:unlock", "mine_gm"): ("post", ("login", 302, 403, 403, 403, 403)),
    ("gradebook:unlock", "other_gm"): ("post", ("login", 302, 403, 404, 404, 403)),
    ("gradebook:assessment_create", "mine_gm"): ("get", ALL_STAFF),
    ("gradebook:assessment_create", "other_gm"): ("get", FOREIGN_VIEW),
    # Moodle gradebook import (lms): whoever may grade the module; a preview or confirmation
    # without a staged file sends the person back to the upload page (302).
    ("lms:gradebook_import", "mine_gm"): ("get", ALL_STAFF),
    ("lms:gradebook_import", "other_gm"): ("get", FOREIGN_VIEW),
    ("lms:gradebook_import_preview", "mine_gm"): ("get", ("login", 302, 302, 302, 302, 403)),
    ("lms:gradebook_import_preview", "other_gm"): ("get", FOREIGN_ACTION),
    ("lms:gradebook_import_confirm", "mine_gm"): ("post", ("login", 302, 302, 302, 302, 403)),
    ("lms:gradebook_import_confirm", "other_gm"): ("post", FOREIGN_ACTION),
    ("lms:gradebook_import_cancel", "mine_gm"): ("post", ("login", 302, 302, 302, 302, 403)),
    ("lms:gradebook_import_cancel", "other_gm"): ("post", FOREIGN_ACTION),
    ("gradebook:group_export", "mine"): ("get", OLD_FILE_ADDRESS),
    ("gradebook:group_export", "other"): ("get", OLD_FILE_ADDRESS),
    ("gradebook:assessment_edit", "mine_assessment"): ("get", ALL_STAFF),
    ("gradebook:assessment_edit", "other_assessment"): ("get", FOREIGN_VIEW),
    ("gradebook:assessment_delete", "mine_assessment"): ("post", ("login", 302, 302, 302, 302, 403)),
    ("gradebook:assessment_delete", "other_assessment"): ("post", FOREIGN_ACTION),
    ("gradebook:column_fill", "mine_assessment"): ("post", ("login", 302, 302, 302, 302, 403)),
    ("gradebook:column_fill", "other_assessment"): ("post", FOREIGN_ACTION),
    ("gradebook:cell_save", ""): ("post", ("login", 400, 400, 400, 400, 403)),
    ("gradebook:cell_history", ""): ("get", ("login", 404, 404, 404, 404, 403)),
    ("gradebook:overdue", ""): ("get", ALL_STAFF),
    ("gradebook:my_grades", ""): ("get", ("login", 403, 403, 403, 403, 200)),
    ("attestation:group_debts", "mine"): ("get", ALL_STAFF),
    ("attestation:group_debts", "other"): ("get", FOREIGN_VIEW),
    ("attestation:group_admission", "mine"): ("get", ALL_STAFF),
    ("attestation:group_admission", "other"): ("get", FOREIGN_VIEW),
    ("attestation:group_protocols", "mine"): ("get", ALL_STAFF),
    ("attestation:group_protocols", "other"): ("get", FOREIGN_VIEW),
    ("attestation:protocol_pdf", "mine_protocol"): ("get", ALL_STAFF),
    ("attestation:protocol_pdf", "other_protocol"): ("get", FOREIGN_VIEW),
    ("attestation:protocol_detail", "mine_protocol"): ("get", ALL_STAFF),
    ("attestation:protocol_detail", "other_protocol"): ("get", FOREIGN_VIEW),
    # Nobody in the matrix holds a seat on these protocols, so nobody may sign them.
    ("attestation:protocol_sign", "mine_protocol"): ("post", ("login", 403, 403, 403, 403, 403)),
    ("attestation:protocol_sign", "other_protocol"): ("post", ("login", 403, 403, 404, 404, 403)),
    # Attendance is marked on a commission's protocols only, and these have no commission.
    ("attestation:protocol_attendance", "mine_protocol"): ("post", ("login", 403, 403, 403, 403, 403)),
    ("attestation:protocol_attendance", "other_protocol"): ("post", ("login", 403, 403, 404, 404, 403)),
    # Only the administration annuls (a draft is refused with a message: 302).
    ("attestation:protocol_annul", "mine_protocol"): ("post", ("login", 302, 403, 403, 403, 403)),
    ("attestation:protocol_annul", "other_protocol"): ("post", ("login", 302, 403, 404, 404, 403)),
    ("attestation:statement_create", "mine"): ("get", ALL_STAFF),
    ("attestation:statement_create", "other"): ("get", FOREIGN_VIEW),
    ("attestation:final_protocol_create", "mine"): ("get", ("login", 200, 200, 200, 403, 403)),
    ("attestation:final_protocol_create", "other"): ("get", FOREIGN_VIEW),
    ("attestation:group_summary", "mine"): ("get", ALL_STAFF),
    ("attestation:group_summary", "other"): ("get", FOREIGN_VIEW),
    ("attestation:group_summary_pdf", "mine"): ("get", OLD_FILE_ADDRESS),
    ("attestation:group_summary_pdf", "other"): ("get", OLD_FILE_ADDRESS),
    ("attestation:group_summary_xlsx", "mine"): ("get", OLD_FILE_ADDRESS),
    ("attestation:group_summary_xlsx", "other"): ("get", OLD_FILE_ADDRESS),
    # The same in the background: no format chosen sends the person back to the page (302).
    ("attestation:group_summary_print", "mine"): ("post", ("login", 302, 302, 302, 302, 403)),
    ("attestation:group_summary_print", "other"): ("post", FOREIGN_ACTION),
    ("gradebook:group_export_job", "mine"): ("post", ("login", 302, 302, 302, 302, 403)),
    ("gradebook:group_export_job", "other"): ("post", FOREIGN_ACTION),
    ("attestation:debt_list", ""): ("get", ALL_STAFF),
    # Made by a job: the page's form POSTs its filter (a GET goes back to the list).
    ("attestation:debt_list_xlsx", ""): ("post", ("login", 302, 302, 302, 302, 403)),
    ("attestation:learner_debts", "classmate"): ("get", ALL_STAFF),
    ("attestation:learner_debts", "stranger"): ("get", FOREIGN_VIEW),
    ("attestation:commission_list", ""): ("get", ALL_STAFF),
    ("attestation:commission_create", ""): ("get", REGISTRY_ONLY),
    ("attestation:commission_detail", "mine_commission"): ("get", ALL_STAFF),
    ("attestation:commission_detail", "other_commission"): ("get", FOREIGN_VIEW),
    ("documents:registry", ""): ("get", DOCUMENT_VIEW),
    # The registry's files are made by jobs: the page's forms POST its filters (GET: back to it).
    ("documents:registry_xlsx", ""): ("post", ("login", 302, 302, 302, 403, 403)),
    ("documents:registry_pdf", ""): ("post", ("login", 302, 302, 302, 403, 403)),
    ("documents:due_list", ""): ("get", REGISTRY_ONLY),
    ("documents:frdo", ""): ("get", REGISTRY_ONLY),
    ("documents:frdo_file", "frdo_export"): ("get", REGISTRY_ONLY),
    # Marking a record corrected by hand in ФИС ФРДО: an empty form is refused with a message.
    ("documents:frdo_correction", "mine_document"): ("post", DOCUMENT_ACTION),
    # Blanks: the registry keeps the register; curators see the stock (a holder only in their
    # groups), teachers and learners nothing.
    ("blanks:stock", ""): ("get", DOCUMENT_VIEW),
    ("blanks:stock_xlsx", ""): ("get", DOCUMENT_VIEW),
    ("blanks:receipt_create", ""): ("get", REGISTRY_ONLY),
    ("blanks:write_off_create", ""): ("get", REGISTRY_ONLY),
    ("blanks:blank_detail", "blank"): ("get", DOCUMENT_VIEW),
    ("blanks:act_detail", "write_off_act"): ("get", REGISTRY_ONLY),
    ("documents:document_detail", "mine_document"): ("get", DOCUMENT_VIEW),
    ("documents:document_detail", "other_document"): ("get", DOCUMENT_FOREIGN),
    ("documents:document_pdf", "mine_document"): ("get", DOCUMENT_VIEW),
    ("documents:document_pdf", "other_document"): ("get", DOCUMENT_FOREIGN),
    # An empty form is refused with a message (302) once access is granted.
    ("documents:document_duplicate", "mine_document"): ("post", DOCUMENT_ACTION),
    ("documents:document_duplicate", "other_document"): ("post", DOCUMENT_FOREIGN_ACTION),
    ("documents:document_exchange", "mine_document"): ("post", DOCUMENT_ACTION),
    ("documents:document_exchange", "other_document"): ("post", DOCUMENT_FOREIGN_ACTION),
    ("documents:document_destroy", "mine_document"): ("post", DOCUMENT_ACTION),
    ("documents:document_destroy", "other_document"): ("post", DOCUMENT_FOREIGN_ACTION),
    ("documents:document_revoke", "mine_document"): ("post", ("login", 302, 403, 403, 403, 403)),
    ("documents:document_revoke", "other_document"): ("post", ("login", 302, 403, 404, 403, 403)),
    # Only the administration annuls; a draft is sent back to its own page (302).
    ("documents:protocol_annul", "mine_final"): ("get", ("login", 302, 403, 403, 403, 403)),
    ("documents:protocol_annul", "other_final"): ("get", ("login", 302, 403, 404, 404, 403)),
    ("documents:issue_from_protocol", "mine_final"): ("get", REGISTRY_ONLY),
    ("documents:issue_from_protocol", "other_final"): ("get", REGISTRY_ONLY),
    ("documents:study_certificate", "own_enrollment"): ("get", REGISTRY_ONLY),
    ("documents:study_certificate", "stranger_enrollment"): ("get", REGISTRY_ONLY),
    ("documents:group_documents", "mine"): ("get", DOCUMENT_VIEW),
    ("documents:group_documents", "other"): ("get", DOCUMENT_FOREIGN),
    ("documents:group_documents_pdf", "mine"): ("get", OLD_FILE_ADDRESS),
    ("documents:group_documents_pdf", "other"): ("get", OLD_FILE_ADDRESS),
    ("documents:group_documents_zip", "mine"): ("get", OLD_FILE_ADDRESS),
    ("documents:group_documents_zip", "other"): ("get", OLD_FILE_ADDRESS),
    # Printing in the background: no format chosen sends the person back to the page (302).
    ("documents:group_documents_print", "mine"): ("post", ("login", 302, 302, 302, 403, 403)),
    ("documents:group_documents_print", "other"): ("post", ("login", 302, 302, 404, 403, 403)),
    # Background jobs: everyone has their own list; a job is seen only by whoever started it
    # (the curator here).
    ("jobs:job_list", ""): ("get", EVERYONE_SIGNED_IN),
    ("jobs:job_detail", "curator_job"): ("get", ("login", 404, 404, 200, 404, 404)),
    ("jobs:job_status", "curator_job"): ("get", ("login", 404, 404, 200, 404, 404)),
    ("jobs:file", "curator_job"): ("get", ("login", 404, 404, 200, 404, 404)),
    # A card: staff who keep the enrolment, and the learner their own (a stranger's is 404).
    ("cards:card", "own_enrollment"): ("get", EVERYONE_SIGNED_IN),
    ("cards:card", "stranger_enrollment"): ("get", ("login", 200, 200, 404, 404, 404)),
    ("cards:card_pdf", "own_enrollment"): ("get", EVERYONE_SIGNED_IN),
    ("cards:card_pdf", "stranger_enrollment"): ("get", ("login", 200, 200, 404, 404, 404)),
    ("cards:version_pdf", "own_card_version"): ("get", EVERYONE_SIGNED_IN),
    ("cards:version_pdf", "stranger_card_version"): ("get", ("login", 200, 200, 404, 404, 404)),
    ("achievements:learner_achievements", "classmate"): ("get", ALL_STAFF),
    ("achievements:learner_achievements", "stranger"): ("get", FOREIGN_VIEW),
    ("achievements:pending", ""): ("get", ("login", 200, 200, 200, 403, 403)),
    ("achievements:achievement_detail", "mine_achievement"): ("get", ALL_STAFF),
    ("achievements:achievement_detail", "other_achievement"): ("get", FOREIGN_VIEW),
    ("achievements:achievement_confirm", "mine_achievement"): ("post", ("login", 302, 302, 302, 403, 403)),
    ("achievements:achievement_confirm", "other_achievement"): ("post", ("login", 302, 302, 404, 404, 403)),
    ("achievements:achievement_reject", "mine_achievement"): ("post", ("login", 302, 302, 302, 403, 403)),
    ("achievements:achievement_reject", "other_achievement"): ("post", ("login", 302, 302, 404, 404, 403)),
    ("achievements:evidence", "mine_achievement"): ("get", ("login", 200, 200, 200, 200, 404)),
    ("achievements:evidence", "other_achievement"): ("get", ("login", 200, 200, 404, 404, 404)),
    # The paper archive: the registry and the administration keep it; nobody else sees it.
    ("paper:case_list", ""): ("get", REGISTRY_ONLY),
    ("paper:case_create", ""): ("get", REGISTRY_ONLY),
    ("paper:case_detail", "paper_case"): ("get", REGISTRY_ONLY),
    ("paper:case_edit", "paper_case"): ("get", REGISTRY_ONLY),
    ("paper:original_create", "paper_case"): ("get", REGISTRY_ONLY),
    ("paper:original_scan", "paper_original"): ("get", REGISTRY_ONLY),
    ("paper:due", ""): ("get", REGISTRY_ONLY),
    ("cabinet:cabinet", ""): ("get", ("login", 403, 403, 403, 403, 200)),
    ("cabinet:propose_achievement", ""): ("get", ("login", 403, 403, 403, 403, 200)),
    ("cabinet:open_learner_cabinet", "classmate"): ("post", ("login", 302, 302, 403, 403, 403)),
    ("cabinet:open_learner_cabinet", "stranger"): ("post", ("login", 302, 302, 403, 403, 403)),
    ("cabinet:open_group_cabinets", "mine"): ("post", ("login", 302, 302, 403, 403, 403)),
    ("cabinet:open_group_cabinets", "other"): ("post", ("login", 302, 302, 403, 403, 403)),
    # Setting or resetting a password by a one-time link: open to anyone.
    ("password_reset", ""): ("get", (200, 200, 200, 200, 200, 200)),
    ("password_reset_done", ""): ("get", (200, 200, 200, 200, 200, 200)),
    ("password_reset_confirm", "reset_link"): ("get", (200, 200, 200, 200, 200, 200)),
    ("password_reset_complete", ""): ("get", (200, 200, 200, 200, 200, 200)),
    # Retention: the registry drafts and executes destruction acts, the administration approves.
    ("archive:retention", ""): ("get", REGISTRY_ONLY),
    ("archive:act_create", ""): ("post", DOCUMENT_ACTION),
    ("archive:act_detail", "destruction_act"): ("get", REGISTRY_ONLY),
    ("archive:act_approve", "destruction_act"): ("post", ("login", 302, 403, 403, 403, 403)),
    ("archive:act_execute", "destruction_act"): ("post", DOCUMENT_ACTION),
    ("archive:act_pdf", "destruction_act"): ("get", REGISTRY_ONLY),
    ("archive:act_extract", "destruction_act"): ("get", REGISTRY_ONLY),
    ("archive:hold_set", "own_enrollment"): ("post", DOCUMENT_ACTION),
    ("archive:hold_release", "retention_hold"): ("post", DOCUMENT_ACTION),
    ("archive:backup_deleted", "backup_record"): ("post", DOCUMENT_ACTION),
    # The access log: who opened a learner's data (the registry and the administration), and a
    # learner's own extract from the cabinet (an empty period means the last twelve months).
    ("accesslog:index", ""): ("get", REGISTRY_ONLY),
    ("accesslog:learner_report", "classmate"): ("get", REGISTRY_ONLY),
    ("accesslog:learner_report", "stranger"): ("get", REGISTRY_ONLY),
    ("accesslog:learner_report_xlsx", "classmate"): ("get", REGISTRY_ONLY),
    ("accesslog:learner_report_xlsx", "stranger"): ("get", REGISTRY_ONLY),
    ("accesslog:cabinet_extract", ""): ("post", ("login", 403, 403, 403, 403, 200)),
    # Personal data given to third parties: the registry and the administration only. The
    # «Представитель организации» persona is tried in privacy/tests/test_employer.py.
    ("privacy:overview", ""): ("get", REGISTRY_ONLY),
    ("privacy:recipients", ""): ("get", REGISTRY_ONLY),
    ("privacy:recipient_detail", "privacy_recipient"): ("get", REGISTRY_ONLY),
    # Without a reason the deactivation is refused with a message (302).
    ("privacy:representative_deactivate", "representative"): ("post", ("login", 302, 302, 403, 403, 403)),
    ("privacy:consent_create", "classmate"): ("get", REGISTRY_ONLY),
    ("privacy:consent_create", "stranger"): ("get", REGISTRY_ONLY),
    ("privacy:consent_detail", "privacy_consent"): ("get", REGISTRY_ONLY),
    ("privacy:consent_form_pdf", "privacy_consent"): ("get", REGISTRY_ONLY),
    ("privacy:consent_scan", "privacy_consent"): ("get", REGISTRY_ONLY),
    ("privacy:consent_supersede", "privacy_consent"): ("get", REGISTRY_ONLY),
    # An empty form is refused with a message (302) once access is granted.
    ("privacy:consent_scan_attach", "privacy_consent"): ("post", ("login", 302, 302, 403, 403, 403)),
    ("privacy:consent_withdraw", "privacy_consent"): ("post", ("login", 302, 302, 403, 403, 403)),
    ("privacy:withdrawal_scan", "privacy_consent"): ("get", REGISTRY_ONLY),
    ("privacy:withdrawal_close", "privacy_withdrawal"): ("post", ("login", 302, 302, 403, 403, 403)),
    ("privacy:disclosure_create", "classmate"): ("get", REGISTRY_ONLY),
    ("privacy:disclosure_pdf", "privacy_disclosure"): ("get", REGISTRY_ONLY),
    ("privacy:disclosure_xlsx", "privacy_disclosure"): ("get", REGISTRY_ONLY),
    ("privacy:disclosure_ground", "privacy_disclosure"): ("get", REGISTRY_ONLY),
    ("privacy:employer_learners", ""): ("get", ("login", 403, 403, 403, 403, 403)),
    ("privacy:employer_learner", "classmate"): ("get", ("login", 403, 403, 403, 403, 403)),
    # Public: anyone may check a document, logged in or not.
    # The public verification log: the administration's page.
    ("documents:verification_checks", ""): ("get", ADMINISTRATION_ONLY),
    ("documents:verify", ""): ("get", (200, 200, 200, 200, 200, 200)),
    ("documents:verify_code", "mine_document_code"): ("get", (200, 200, 200, 200, 200, 200)),
    # The REST API answers a token, not the site's session (test_access sends each role's token):
    # no token is 401; a learner's token is refused the staff's reads and writes.
    ("api:schema", ""): ("get", (200, 200, 200, 200, 200, 200)),
    ("api:docs", ""): ("get", (200, 200, 200, 200, 200, 200)),
    ("api:learner_list", ""): ("get", API_ALL_STAFF),
    ("api:learner_detail", "classmate"): ("get", API_ALL_STAFF),
    ("api:learner_detail", "stranger"): ("get", API_FOREIGN),
    ("api:program_list", ""): ("get", API_ALL_STAFF),
    ("api:program_detail", "mine_program"): ("get", API_ALL_STAFF),
    ("api:program_detail", "other_program"): ("get", API_FOREIGN),
    ("api:group_list", ""): ("get", API_ALL_STAFF),
    ("api:group_detail", "mine"): ("get", API_ALL_STAFF),
    ("api:group_detail", "other"): ("get", API_FOREIGN),
    ("api:enrollment_list", ""): ("get", API_ALL_STAFF),
    ("api:enrollment_detail", "own_enrollment"): ("get", API_ALL_STAFF),
    ("api:enrollment_detail", "stranger_enrollment"): ("get", API_FOREIGN),
    # Writes of the record: only the registry (and the administration) adds learners, programs,
    # groups and enrolments and changes learners, programs and enrolments; a curator changes the
    # groups they curate. A form body is refused (415); an edit without the version seen, 428.
    ("api:learner_list", "no_args_post"): ("post", API_REGISTRY_POST),
    ("api:learner_detail", "classmate_edit"): ("patch", API_REGISTRY_EDIT),
    ("api:learner_detail", "stranger_edit"): ("patch", API_REGISTRY_FOREIGN_EDIT),
    ("api:program_list", "no_args_post"): ("post", API_REGISTRY_POST),
    ("api:program_detail", "mine_program_edit"): ("patch", API_REGISTRY_EDIT),
    ("api:program_detail", "other_program_edit"): ("patch", API_REGISTRY_FOREIGN_EDIT),
    ("api:group_list", "no_args_post"): ("post", API_REGISTRY_POST),
    ("api:group_detail", "mine_edit"): ("patch", (401, 428, 428, 428, 403, 403)),
    ("api:group_detail", "other_edit"): ("patch", API_REGISTRY_FOREIGN_EDIT),
    ("api:enrollment_list", "no_args_post"): ("post", API_REGISTRY_POST),
    ("api:enrollment_detail", "own_enrollment_edit"): ("patch", API_REGISTRY_EDIT),
    ("api:enrollment_detail", "stranger_enrollment_edit"): ("patch", API_REGISTRY_FOREIGN_EDIT),
    ("api:assessment_list", ""): ("get", API_ALL_STAFF),
    ("api:assessment_detail", "mine_assessment"): ("get", API_ALL_STAFF),
    ("api:assessment_detail", "other_assessment"): ("get", API_FOREIGN),
    # Assessment writes: a form body is refused (415); an edit without the version seen, 428.
    ("api:assessment_list", "no_args_post"): ("post", (401, 415, 415, 415, 415, 403)),
    ("api:assessment_detail", "mine_assessment_edit"): ("patch", (401, 428, 428, 428, 428, 403)),
    ("api:assessment_detail", "other_assessment_edit"): ("patch", (401, 428, 428, 404, 404, 403)),
    ("api:grade_list", ""): ("get", API_ALL_STAFF),
    # Writes take JSON, checked once the grader reaches the column: a form body is refused (415),
    # an empty one is named field by field (400).
    ("api:grade_bulk", ""): ("post", (401, 415, 415, 415, 415, 403)),
    ("api:grade_cell", "mine_cell"): ("put", (401, 400, 400, 400, 400, 403)),
    ("api:grade_cell", "other_cell"): ("put", (401, 400, 400, 404, 404, 403)),
    ("api:protocol_list", ""): ("get", API_ALL_STAFF),
    ("api:protocol_detail", "mine_protocol"): ("get", API_ALL_STAFF),
    ("api:protocol_detail", "other_protocol"): ("get", API_FOREIGN),
    ("api:document_list", ""): ("get", (401, 200, 200, 200, 403, 403)),
    ("api:document_detail", "mine_document"): ("get", (401, 200, 200, 200, 403, 403)),
    ("api:document_detail", "other_document"): ("get", (401, 200, 200, 404, 403, 403)),
    # Public, as the verification page: without a code or a number and surname, 400.
    ("api:verify", ""): ("get", (400, 400, 400, 400, 400, 400)),
}


def _protocol(group):  # noqa: ANN001, ANN202
    from zachetka.attestation.models import Protocol
    from zachetka.gradebook.models import GradingScale

    return Protocol.objects.create(
        kind=Protocol.Kind.INTERMEDIATE,
        number=f"ПА-2026-{group.pk:04d}",
        held_on=group.starts_on,
        group=group,
        module=group.program.modules.first(),
        scale=GradingScale.objects.get(kind="pass_fail"),
        created_by=group.curator,
    )


def _final(group):  # noqa: ANN001, ANN202
    from zachetka.attestation.models import Protocol
    from zachetka.gradebook.models import GradingScale

    return Protocol.objects.create(
        kind=Protocol.Kind.FINAL,
        number=f"ИА-2026-{group.pk:04d}",
        held_on=group.ends_on,
        group=group,
        final_form="exam",
        scale=GradingScale.objects.get(kind="five_point"),
        created_by=group.curator,
    )


def _document(enrollment, seq):  # noqa: ANN001, ANN202
    from zachetka.documents.models import Document

    learner, group = enrollment.learner, enrollment.group
    return Document.objects.create(
        registration_number=f"2026-{seq:05d}",
        registration_year=2026,
        registration_seq=seq,
        kind=Document.Kind.QUALIFICATION_CERTIFICATE,
        enrollment=enrollment,
        series="",
        number=f"{seq:06d}",
        issued_on=group.ends_on,
        last_name=learner.last_name,
        first_name=learner.first_name,
        middle_name=learner.middle_name,
        sex=learner.sex,
        program_title=group.program.title,
        program_kind=group.program.kind,
        hours=group.program.hours,
        studied_from=group.starts_on,
        studied_to=group.ends_on,
        created_by=group.curator,
    )


def _frdo_export():  # noqa: ANN202
    from django.core.files.base import ContentFile

    from zachetka.documents.models import FrdoExport

    record = FrdoExport.objects.create(
        template="dpo", template_version="t", year=2026, rows=0, sha256="0", file_name="x.xlsx"
    )
    record.file.save("x.xlsx", ContentFile(b"PK"), save=True)
    return record


def _blank_and_act(document):  # noqa: ANN001, ANN202
    """A used blank carrying `document` and a write-off act of another blank."""
    from zachetka.blanks.models import Blank, BlankReceipt, WriteOffAct

    by = document.created_by
    receipt = BlankReceipt.objects.create(
        form="pk",
        series="",
        first_number="000001",
        last_number="000009",
        count=2,
        received_on=document.issued_on,
        supplier_document="Накладная № 1",
        received_by=by,
    )
    act = WriteOffAct.objects.create(
        number="АС-2026-001", year=2026, seq=1, made_on=document.issued_on, reason="Порван", made_by=by
    )
    used = Blank.objects.create(
        receipt=receipt, form="pk", series="", number=document.number, seq=1, state="used", document=document
    )
    Blank.objects.create(
        receipt=receipt, form="pk", series="", number="000009", seq=9, state="spoiled", write_off=act
    )
    return used, act


def _card_version(enrollment):  # noqa: ANN001, ANN202
    from zachetka.cards import selectors
    from zachetka.cards.models import CardVersion

    content = selectors.card_content(enrollment)
    return CardVersion.objects.create(
        enrollment=enrollment,
        number=1,
        content=content,
        sha256=selectors.content_hash(content),
        reason="тест",
    )


def _achievement(learner, author):  # noqa: ANN001, ANN202
    from django.core.files.base import ContentFile

    from zachetka.achievements.models import Achievement

    achievement = Achievement(
        learner=learner, title="Доклад", kind="publication", achieved_on=learner.birth_date, created_by=author
    )
    achievement.evidence.save("proof.pdf", ContentFile(b"%PDF-1.4 proof"), save=False)
    achievement.evidence_name = "proof.pdf"
    achievement.save()
    return achievement


def _paper_original(by):  # noqa: ANN001, ANN202
    """A case of the nomenclature with one original and its scan."""
    from django.core.files.base import ContentFile

    from zachetka.paper.models import Case, PaperOriginal

    case = Case.objects.create(index="01-01", title="Дело", year=2026, retention_years=5, created_by=by)
    original = PaperOriginal(
        case=case,
        kind="other",
        title="Опись",
        dated_on=case.created_at,
        sheet_from=1,
        sheet_to=1,
        registered_by=by,
    )
    original.scan.save("scan.pdf", ContentFile(b"%PDF-1.4 scan"), save=False)
    original.save()
    return original


def _commission(group):  # noqa: ANN001, ANN202
    from zachetka.attestation.models import Commission

    return Commission.objects.create(
        title="Комиссия", program=group.program, order_number="1-о", order_date=group.starts_on
    )


def _destruction_act(by):  # noqa: ANN001, ANN202
    """A drafted act with its files stored (as an executed act keeps them)."""
    from django.core.files.base import ContentFile

    from zachetka.archive.models import DestructionAct

    act = DestructionAct.objects.create(number="АУ-2026-001", basis="Истёк срок хранения", drafted_by=by)
    act.pdf.save("act.pdf", ContentFile(b"%PDF-1.4 act"), save=False)
    act.extract.save("extract.xlsx", ContentFile(b"PK"), save=False)
    act.save()
    return act


def _hold(enrollment, by):  # noqa: ANN001, ANN202
    from zachetka.archive.models import RetentionHold

    return RetentionHold.objects.create(enrollment=enrollment, reason="Запрос суда", set_by=by)


def _backup_record():  # noqa: ANN202
    from django.utils import timezone

    from zachetka.archive.models import BackupRecord

    return BackupRecord.objects.create(path="/backups/old.tar", created_at=timezone.now(), size=1, sha256="0")


def _representative(by):  # noqa: ANN001, ANN202
    """An organisation with one representative's account."""
    from django.contrib.auth.models import User

    from zachetka.privacy.models import Recipient, RecipientAccount

    recipient = Recipient.objects.create(
        name="АО «Лютик»", inn="7736050003", address="г. Москва", created_by=by
    )
    user = User.objects.create_user("representative", password="pass-for-tests-1")
    return RecipientAccount.objects.create(user=user, recipient=recipient)


def _privacy(learner, by):  # noqa: ANN001, ANN202
    """A signed and withdrawn consent of `learner`, and a disclosure on a federal-law ground."""
    import datetime as dt

    from django.core.files.base import ContentFile

    from zachetka.privacy.models import Consent, Disclosure, Recipient, Withdrawal

    recipient = Recipient.objects.create(
        name="ООО «Ромашка»", inn="5001007329", address="г. Москва", created_by=by
    )
    consent = Consent(
        learner=learner,
        subject_address="г. Москва",
        subject_id_document="паспорт",
        operator_name="Организация",
        operator_address="г. Москва",
        recipient=recipient,
        purpose="Цель",
        categories=["final"],
        actions=["transfer"],
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
        withdrawal_method="Заявлением",
        created_by=by,
        signed_on=dt.date(2026, 1, 1),
        scan_sha256="0" * 64,
    )
    consent.scan.save("scan.pdf", ContentFile(b"%PDF-1.4 scan"), save=False)
    consent.save()
    withdrawal = Withdrawal(
        consent=consent, received_on=dt.date(2026, 2, 1), scan_sha256="0" * 64, recorded_by=by
    )
    withdrawal.scan.save("withdrawal.pdf", ContentFile(b"%PDF-1.4 withdrawal"), save=False)
    withdrawal.save()
    disclosure = Disclosure(
        learner=learner,
        recipient=recipient,
        categories=["final"],
        channel="paper",
        given_by=by,
        given_at=consent.created_at,
        legal_ground="Запрос суда",
        ground_document_sha256="0" * 64,
        pdf_sha256="0" * 64,
        xlsx_sha256="0" * 64,
    )
    disclosure.ground_document.save("ground.pdf", ContentFile(b"%PDF-1.4 ground"), save=False)
    disclosure.pdf.save("extract.pdf", ContentFile(b"%PDF-1.4 extract"), save=False)
    disclosure.xlsx.save("extract.xlsx", ContentFile(b"PK"), save=False)
    disclosure.save()
    return consent, withdrawal, disclosure


def _job(owner):  # noqa: ANN001, ANN202
    from django.core.files.base import ContentFile

    from zachetka.jobs.models import Job

    job = Job.objects.create(
        owner=owner,
        kind="documents.group_print",
        title="Документы группы",
        request_digest="matrix",
        status=Job.Status.DONE,
        file_name="Документы.pdf",
        content_type="application/pdf",
    )
    job.file.save("matrix.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
    return job


def _objects(world: dict) -> dict:
    mine, other = world["mine"], world["other"]
    return {
        "classmate": world["classmate"],
        "stranger": world["stranger"],
        "mine": mine,
        "other": other,
        "mine_program": mine.program,
        "other_program": other.program,
        "mine_module": mine.program.modules.first(),
        "other_module": other.program.modules.first(),
        "mine_assignment": mine.teaching_assignments.first(),
        "other_assignment": other.teaching_assignments.first(),
        "own_enrollment": world["enrollments"]["own"],
        "stranger_enrollment": world["enrollments"]["stranger"],
        "mine_gm": [mine.pk, mine.program.modules.first().pk],
        "other_gm": [other.pk, other.program.modules.first().pk],
        "mine_protocol": _protocol(mine),
        "other_protocol": _protocol(other),
        "mine_commission": _commission(mine),
        "mine_final": _final(mine),
        "other_final": _final(other),
        "mine_document": (mine_document := _document(world["enrollments"]["own"], 1)),
        "mine_document_code": [mine_document.verification_code],
        "other_document": (other_document := _document(world["enrollments"]["stranger"], 2)),
        "blank": (blank_and_act := _blank_and_act(other_document))[0],
        "write_off_act": blank_and_act[1],
        "frdo_export": _frdo_export(),
        "own_card_version": _card_version(world["enrollments"]["own"]),
        "stranger_card_version": _card_version(world["enrollments"]["stranger"]),
        "mine_achievement": _achievement(world["classmate"], mine.curator),
        "other_achievement": _achievement(world["stranger"], mine.curator),
        "paper_original": (paper_original := _paper_original(mine.curator)),
        "paper_case": paper_original.case,
        "reset_link": ["MQ", "set-password"],
        "other_commission": _commission(other),
        "mine_assessment": world["assessments"]["mine"],
        "destruction_act": _destruction_act(mine.curator),
        "retention_hold": _hold(world["enrollments"]["stranger"], mine.curator),
        "backup_record": _backup_record(),
        "other_assessment": world["assessments"]["other"],
        "mine_assessment_edit": world["assessments"]["mine"],
        "other_assessment_edit": world["assessments"]["other"],
        "no_args_post": [],
        "classmate_edit": world["classmate"],
        "stranger_edit": world["stranger"],
        "mine_program_edit": mine.program,
        "other_program_edit": other.program,
        "mine_edit": mine,
        "other_edit": other,
        "own_enrollment_edit": world["enrollments"]["own"],
        "stranger_enrollment_edit": world["enrollments"]["stranger"],
        "mine_cell": [world["assessments"]["mine"].pk, world["enrollments"]["own"].pk],
        "other_cell": [world["assessments"]["other"].pk, world["enrollments"]["stranger"].pk],
        "curator_job": _job(mine.curator),
        "staff_member": mine.curator,
        "api_token": api_services.create_token(name="Moodle", user=mine.curator)[0],
        "scale": world["assessments"]["mine"].scale,
        "representative": (representative := _representative(mine.curator)),
        "privacy_recipient": representative.recipient,
        **dict(
            zip(
                ("privacy_consent", "privacy_withdrawal", "privacy_disclosure"),
                _privacy(world["classmate"], mine.curator),
                strict=True,
            )
        ),
    }


def _site_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_is_in_the_matrix() -> None:
    covered = {name for name, _ in MATRIX}
    assert _site_url_names() - covered == set()


PDF_URLS = {
    "attestation:protocol_pdf",
    "documents:document_pdf",
    "cards:card_pdf",
    "cards:version_pdf",
    "privacy:consent_form_pdf",
}
CASES = [(name, key, role) for (name, key) in MATRIX for role in ROLES]


@pytest.mark.parametrize(("url_name", "object_key", "role"), CASES)
def test_access(
    client, world, director, registrar, curator, teacher, learner_user, url_name, object_key, role
):
    method, statuses = MATRIX[(url_name, object_key)]
    expected = statuses[ROLES.index(role)]
    users = {
        "director": director,
        "registrar": registrar,
        "curator": curator,
        "teacher": teacher,
        "learner": learner_user,
    }
    headers = {}
    if role != "anonymous" and url_name.startswith("api:"):
        token = api_services.create_token(name=f"matrix {role}", user=users[role])[1]
        headers = {"Authorization": f"Bearer {token}"}
    elif role != "anonymous":
        client.force_login(users[role])
    if url_name in PDF_URLS and expected == 200:
        try:
            import weasyprint  # noqa: F401 - rendering a PDF needs Pango
        except OSError:
            pytest.skip(
                "PDF не строится: установите Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0)."
            )
    target = _objects(world)[object_key] if object_key else None
    args = target if isinstance(target, list) else [target.pk] if target is not None else []
    url = reverse(url_name, args=args)
    response = getattr(client, method)(url, headers=headers)
    if expected == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == expected, f"{role} {method.upper()} {url}"


def test_admin_site_only_for_superusers(client, director, registrar):
    # The administration works on the «Администрирование» pages; Django admin is a superuser's.
    director.is_staff = True
    director.save()
    client.force_login(director)
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(reverse("admin:people_learner_changelist")).status_code == 302
    assert "Справочники" not in client.get(reverse("web:home")).content.decode()
    client.force_login(registrar)
    assert client.get(reverse("admin:index")).status_code == 302
    director.is_superuser = True
    director.save()
    client.force_login(director)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:people_learner_changelist")).status_code == 200
