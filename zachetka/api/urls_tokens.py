from django.urls import path

from zachetka.api import views_tokens

app_name = "api_tokens"
urlpatterns = [
    path("administration/integrations/", views_tokens.token_list, name="token_list"),
    path("administration/integrations/<int:pk>/revoke/", views_tokens.token_revoke, name="token_revoke"),
]
