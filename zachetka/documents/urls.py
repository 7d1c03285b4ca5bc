from django.urls import path

from zachetka.documents import views

app_name = "documents"
urlpatterns = [
    path("documents/", views.registry, name="registry"),
    path("documents/registry.xlsx", views.registry_xlsx, name="registry_xlsx"),
    path("documents/registry.pdf", views.registry_pdf, name="registry_pdf"),
    path("documents/due/", views.due_list, name="due_list"),
    path("documents/frdo/", views.frdo_page, name="frdo"),
    path("documents/frdo/<int:pk>/file/", views.frdo_file, name="frdo_file"),
    path("documents/<int:pk>/frdo-correction/", views.frdo_correction, name="frdo_correction"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/pdf/", views.document_pdf, name="document_pdf"),
    path("documents/<int:pk>/duplicate/", views.document_duplicate, name="document_duplicate"),
    path("documents/<int:pk>/exchange/", views.document_exchange, name="document_exchange"),
    path("documents/<int:pk>/destroy/", views.document_destroy, name="document_destroy"),
    path("documents/<int:pk>/revoke/", views.document_revoke, name="document_revoke"),
    path("protocols/<int:pk>/issue/", views.issue_from_protocol, name="issue_from_protocol"),
    path("protocols/<int:pk>/annulment/", views.protocol_annul, name="protocol_annul"),
    path("enrollments/<int:pk>/study-certificate/", views.study_certificate, name="study_certificate"),
    path("groups/<int:pk>/documents/", views.group_documents, name="group_documents"),
    path("groups/<int:pk>/documents.pdf", views.group_documents_pdf, name="group_documents_pdf"),
    path("groups/<int:pk>/documents.zip", views.group_documents_zip, name="group_documents_zip"),
    path("groups/<int:pk>/documents/print/", views.group_documents_print, name="group_documents_print"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
]
