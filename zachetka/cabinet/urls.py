from django.urls import path

from zachetka.cabinet import views

app_name = "cabinet"
urlpatterns = [
    path("cabinet/", views.cabinet, name="cabinet"),
    path("cabinet/achievements/new/", views.propose_achievement, name="propose_achievement"),
    path("learners/<int:pk>/cabinet/", views.open_learner_cabinet, name="open_learner_cabinet"),
    path("groups/<int:pk>/cabinets/", views.open_group_cabinets, name="open_group_cabinets"),
]
