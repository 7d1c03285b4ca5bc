"""`Authorization: Bearer zk_…`: the request acts as the token's user, with that user's roles."""

import datetime as dt
import hmac

from django.contrib.auth.models import User
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from zachetka.api.models import TOKEN_START, ApiToken, token_hash

# last_used_at is a hint for the administration, not a log: one UPDATE a minute per token at most.
TOUCH_EVERY = dt.timedelta(minutes=1)
KEYWORD = "Bearer"


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, token = header.partition(" ")
        if keyword != KEYWORD:
            return None
        token = token.strip()
        prefix, dot, _ = token.removeprefix(TOKEN_START).partition(".")
        if not token.startswith(TOKEN_START) or not dot:
            raise exceptions.AuthenticationFailed("Неверный формат токена.")
        found = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
        if found is None or not hmac.compare_digest(found.secret_hash, token_hash(token)):
            raise exceptions.AuthenticationFailed("Неизвестный токен.")
        if found.is_revoked:
            raise exceptions.AuthenticationFailed("Токен отозван.")
        if not found.user.is_active:
            raise exceptions.AuthenticationFailed(
                "Учётная запись, от имени которой действует токен, отключена."
            )
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at >= TOUCH_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
            found.last_used_at = now
        return found.user, found

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema: object) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Токен интеграции: «Администрирование → Интеграции (API)» "
            "или `manage.py create_api_token NAME --as LOGIN`.",
        }
