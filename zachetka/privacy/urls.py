from django.urls import path

from zachetka.privacy import views, views_employer

app_name = "privacy"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("recipients/", views.recipients, name="recipients"),
    path("recipients/<int:pk>/", views.recipient_detail, name="recipient_detail"),
    path(
        "representatives/<int:pk>/deactivate/",
        views.representative_deactivate,
        name="representative_deactivate",
    ),
    path("learners/<int:pk>/consents/new/", views.consent_create, name="consent_create"),
    path("consents/<int:pk>/", views.consent_detail, name="consent_detail"),
    path("consents/<int:pk>/form.pdf", views.consent_form_pdf, name="consent_form_pdf"),
    path("consents/<int:pk>/scan/", views.consent_scan_attach, name="consent_scan_attach"),
    path("consents/<int:pk>/scan/file/", views.consent_scan, name="consent_scan"),
    path("consents/<int:pk>/new-version/", views.consent_supersede, name="consent_supersede"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("consents/<int:pk>/withdrawal/file/", views.withdrawal_scan, name="withdrawal_scan"),
    path("withdrawals/<int:pk>/close/", views.withdrawal_close, name="withdrawal_close"),
    path("learners/<int:pk>/disclosures/new/", views.disclosure_create, name="disclosure_create"),
    path("disclosures/<int:pk>/extract.pdf", views.disclosure_pdf, name="disclosure_pdf"),
    path("disclosures/<int:pk>/extract.xlsx", views.disclosure_xlsx, name="disclosure_xlsx"),
    path("disclosures/<int:pk>/ground/", views.disclosure_ground, name="disclosure_ground"),
    path("employer/", views_employer.employer_learners, name="employer_learners"),
    path("employer/learners/<int:pk>/", views_employer.employer_learner, name="employer_learner"),
]
