from django.urls import path

from zachetka.attestation import views

app_name = "attestation"
urlpatterns = [
    path("groups/<int:pk>/debts/", views.group_debts, name="group_debts"),
    path("groups/<int:pk>/admission/", views.group_admission, name="group_admission"),
    path("groups/<int:pk>/protocols/", views.group_protocols, name="group_protocols"),
    path("protocols/<int:pk>/pdf/", views.protocol_pdf, name="protocol_pdf"),
]
