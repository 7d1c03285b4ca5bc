from django.urls import path

from zachetka.core import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/xlsx/", views.audit_list_xlsx, name="audit_list_xlsx"),
]
