"""«Забыли пароль?» with an hourly allowance, so the form cannot be used to flood a mailbox or
to send mail without end from one address."""

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordResetView
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.decorators import method_decorator

from zachetka.core import access
from zachetka.core.clientip import client_ip
from zachetka.web import services


@method_decorator(access.public, name="dispatch")
class ThrottledPasswordResetView(PasswordResetView):
    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        if services.take_password_reset(ip_address=client_ip(self.request), email=form.cleaned_data["email"]):
            return super().form_valid(form)
        # The same «check your mail» page as always: it does not tell whether the account exists,
        # nor that the allowance is used up.
        return HttpResponseRedirect(self.get_success_url())
