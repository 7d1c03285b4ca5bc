from django.urls import path

from zachetka.achievements import views

app_name = "achievements"
urlpatterns = [
    path("learners/<int:pk>/achievements/", views.learner_achievements, name="learner_achievements"),
    path("achievements/pending/", views.pending, name="pending"),
    path("achievements/<int:pk>/", views.achievement_detail, name="achievement_detail"),
    path("achievements/<int:pk>/confirm/", views.achievement_confirm, name="achievement_confirm"),
    path("achievements/<int:pk>/reject/", views.achievement_reject, name="achievement_reject"),
    path("achievements/<int:pk>/evidence/", views.evidence, name="evidence"),
]
