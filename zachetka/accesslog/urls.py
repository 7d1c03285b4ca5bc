from django.urls import path

from zachetka.accesslog import views

app_name = "accesslog"

urlpatterns = [
    path("access-log/", views.index, name="index"),
    path("access-log/learners/<int:pk>/", views.learner_report, name="learner_report"),
    path("access-log/learners/<int:pk>/log.xlsx", views.learner_report_xlsx, name="learner_report_xlsx"),
    path("access-log/my-extract/", views.cabinet_extract, name="cabinet_extract"),
]
