from django.urls import path

from zachetka.web import views, views_import, views_learners

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("learners/", views_learners.learner_list, name="learner_list"),
    path("learners/export.xlsx", views_learners.learner_list_xlsx, name="learner_list_xlsx"),
    path("learners/<int:pk>/", views_learners.learner_detail, name="learner_detail"),
    path("learners/import/", views_import.learner_import, name="learner_import"),
    path("learners/import/confirm/", views_import.learner_import_confirm, name="learner_import_confirm"),
    path("learners/import/cancel/", views_import.learner_import_cancel, name="learner_import_cancel"),
]
