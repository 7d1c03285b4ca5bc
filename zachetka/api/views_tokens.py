"""The administration's «Интеграции (API)» page: the tokens of the systems that use the API,
their last use, issuing a token (its text is shown once, on the answer to the form) and revoking
one with a reason. The API itself (`views.py`) takes tokens, not sessions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zachetka.api import forms, selectors, services
from zachetka.api.authentication import KEYWORD
from zachetka.api.models import ApiToken
from zachetka.core import access
from zachetka.core.forms import add_service_errors


def token_list(request: HttpRequest) -> HttpResponse:
    """The list and the issuing form; a successful POST answers with the new token's text, which
    is never stored and cannot be shown again (a new token replaces a lost one)."""
    access.require(request.user, services.VIEW_TOKENS)
    may_issue = access.may(request.user, services.ISSUE_TOKENS)
    form = forms.TokenForm(request.POST or None, accounts=selectors.token_accounts())
    issued = None
    if request.method == "POST":
        access.require(request.user, services.ISSUE_TOKENS)
        if form.is_valid():
            try:
                token, text = services.create_token(
                    name=form.cleaned_data["name"], user=form.cleaned_data["user"], by=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                issued = {"token": token, "text": text, "header": f"Authorization: {KEYWORD} {text}"}
                form = forms.TokenForm(accounts=selectors.token_accounts())
    may_revoke = access.may(request.user, services.REVOKE_TOKENS)
    return render(
        request,
        "api/tokens.html",
        {
            "tokens": selectors.tokens(),
            "form": form if may_issue else None,
            "revoke_form": forms.RevokeForm() if may_revoke else None,
            "issued": issued,
            "docs_url": request.build_absolute_uri(reverse("api:docs")),
        },
        status=201 if issued else 200,
    )


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, services.REVOKE_TOKENS)
    token = get_object_or_404(ApiToken, pk=pk)
    form = forms.RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Токен «{token.name}» не отозван: укажите основание.")
        return redirect("api_tokens:token_list")
    try:
        services.revoke_token(name=token.name, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Токен «{token.name}» отозван: запросы с ним больше не принимаются.")
    return redirect("api_tokens:token_list")
