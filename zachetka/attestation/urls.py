from django.urls import path

from zachetka.attestation import views

app_name = "attestation"
urlpatterns = [
    path("groups/<int:pk>/debts/", views.group_debts, name="group_debts"),
    path("groups/<int:pk>/admission/", views.group_admission, name="group_admission"),
    path("groups/<int:pk>/protocols/", views.group_protocols, name="group_protocols"),
    path("groups/<int:pk>/statements/new/", views.statement_create, name="statement_create"),
    path("groups/<int:pk>/final/new/", views.final_protocol_create, name="final_protocol_create"),
    path("groups/<int:pk>/summary/", views.group_summary, name="group_summary"),
    path("groups/<int:pk>/summary.pdf", views.group_summary_pdf, name="group_summary_pdf"),
    path("groups/<int:pk>/summary.xlsx", views.group_summary_xlsx, name="group_summary_xlsx"),
    path("groups/<int:pk>/summary/print/", views.group_summary_print, name="group_summary_print"),
    path("protocols/<int:pk>/", views.protocol_detail, name="protocol_detail"),
    path("protocols/<int:pk>/sign/", views.protocol_sign, name="protocol_sign"),
    path("protocols/<int:pk>/attendance/", views.protocol_attendance, name="protocol_attendance"),
    path("protocols/<int:pk>/annul/", views.protocol_annul, name="protocol_annul"),
    path("protocols/<int:pk>/pdf/", views.protocol_pdf, name="protocol_pdf"),
    path("debts/", views.debt_list, name="debt_list"),
    path("debts/export.xlsx", views.debt_list_xlsx, name="debt_list_xlsx"),
    path("learners/<int:pk>/debts/", views.learner_debts, name="learner_debts"),
    path("commissions/", views.commission_list, name="commission_list"),
    path("commissions/new/", views.commission_create, name="commission_create"),
    path("commissions/<int:pk>/", views.commission_detail, name="commission_detail"),
]
