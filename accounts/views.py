from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from accounts.forms import SignInForm
from accounts.lockout import (
    locked_by_this_address,
    lockout_response,
    sign_in_address_refusal,
    sign_in_failure_count,
)
from accounts.signals import sign_in_refused
from core.ratelimit import too_many_page


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Password spraying: an address with too many failures across usernames waits.
        username = str(request.POST.get("username", ""))[:150]
        refusal = sign_in_address_refusal(request)
        if refusal is not None:
            sign_in_refused.send(
                sender=SignInView, request=request, username=username, reason="address"
            )
            return too_many_page(
                request, decision=refusal, template="accounts/sign_in_too_many.html"
            )
        # The address that locked this username keeps waiting without refreshing the lock
        # (axes would count the try and restart everyone's cool-off).
        if locked_by_this_address(request):
            sign_in_refused.send(
                sender=SignInView, request=request, username=username, reason="locked"
            )
            return lockout_response(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        sign_in_failure_count(self.request)
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["signed_out_idle"] = self.request.session.pop("signed_out_idle", False)
        ctx["signed_out_expired"] = self.request.session.pop("signed_out_expired", False)
        ctx["session_hours"] = round(settings.SESSION_COOKIE_AGE / 3600, 1)
        return ctx


class SignOutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response
