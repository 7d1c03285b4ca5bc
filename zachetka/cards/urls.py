from django.urls import path

from zachetka.cards import views

app_name = "cards"
urlpatterns = [
    path("enrollments/<int:pk>/card/", views.card, name="card"),
    path("enrollments/<int:pk>/card.pdf", views.card_pdf, name="card_pdf"),
    path("cards/versions/<int:pk>/pdf/", views.version_pdf, name="version_pdf"),
]
