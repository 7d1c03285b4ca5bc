from django.urls import path

from zachetka.archive import views

app_name = "archive"

urlpatterns = [
    path("archive/retention/", views.retention, name="retention"),
    path("archive/acts/new/", views.act_create, name="act_create"),
    path("archive/acts/<int:pk>/", views.act_detail, name="act_detail"),
    path("archive/acts/<int:pk>/approve/", views.act_approve, name="act_approve"),
    path("archive/acts/<int:pk>/execute/", views.act_execute, name="act_execute"),
    path("archive/acts/<int:pk>/act.pdf", views.act_pdf, name="act_pdf"),
    path("archive/acts/<int:pk>/extract.xlsx", views.act_extract, name="act_extract"),
    path("enrollments/<int:pk>/retention-hold/", views.hold_set, name="hold_set"),
    path("archive/holds/<int:pk>/release/", views.hold_release, name="hold_release"),
    path("archive/backups/<int:pk>/deleted/", views.backup_deleted, name="backup_deleted"),
]
