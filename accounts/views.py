from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from accounts.forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

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
