from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from zachetka.web.forms import LoginForm

admin.site.site_header = "Зачётка — администрирование"
admin.site.site_title = "Зачётка"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("zachetka.web.urls")),
    path("", include("zachetka.people.urls")),
    path("", include("zachetka.programs.urls")),
    path("", include("zachetka.core.urls")),
    path("", include("zachetka.gradebook.urls")),
    path("", include("zachetka.attestation.urls")),
    path("", include("zachetka.documents.urls")),
]

handler403 = "zachetka.web.views.forbidden"
handler404 = "zachetka.web.views.not_found"
