from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from zachetka.web.forms import LoginForm
from zachetka.web.views_password_reset import ThrottledPasswordResetView

admin.site.site_header = "Зачётка — администрирование"
admin.site.site_title = "Зачётка"
# Django admin is for superusers only; the administration works on the «Администрирование» pages.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Setting a password from an invitation and resetting a forgotten one: the same one-time link.
    path("accounts/password-reset/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("zachetka.api.urls")),
    path("", include("zachetka.api.urls_tokens")),
    path("", include("zachetka.web.urls")),
    path("", include("zachetka.people.urls")),
    path("", include("zachetka.programs.urls")),
    path("", include("zachetka.core.urls")),
    path("", include("zachetka.organization.urls")),
    path("", include("zachetka.gradebook.urls")),
    path("", include("zachetka.lms.urls")),
    path("", include("zachetka.attestation.urls")),
    path("", include("zachetka.documents.urls")),
    path("", include("zachetka.blanks.urls")),
    path("", include("zachetka.cards.urls")),
    path("", include("zachetka.archive.urls")),
    path("", include("zachetka.accesslog.urls")),
    path("", include("zachetka.jobs.urls")),
    path("", include("zachetka.paper.urls")),
    path("privacy/", include("zachetka.privacy.urls")),
    path("", include("zachetka.achievements.urls")),
    path("", include("zachetka.cabinet.urls")),
    path("", include("zachetka.staff.urls")),
]

handler403 = "zachetka.web.views.forbidden"
handler404 = "zachetka.web.views.not_found"
