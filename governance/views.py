"""The organization's own pages: logging in, the health probe, a person's preferences.

Imports no other Tandem app.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView, PasswordResetView
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from governance import health as health_probe
from governance.forms import PreferencesForm


class TandemLoginView(LoginView):
    """The password form and, with single sign-on, "Sign in with …" (docs/sso.md). With
    ``TANDEM_PASSWORD_LOGIN=false`` the page offers only the provider and refuses a posted password (403)."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not settings.TANDEM_PASSWORD_LOGIN:
            return render(request, self.template_name, {"password_refused": True}, status=403)
        return super().post(request, *args, **kwargs)


login_view = login_not_required(TandemLoginView.as_view())


class TandemPasswordResetView(PasswordResetView):
    """Django's reset by e-mail, with the link built from the configured site URL
    (``TANDEM_SITE_URL``), never from the Host header of whoever asked: a forged
    Host must not make Tandem mail a link to someone else's server."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def dispatch(self, request, *args, **kwargs):
        if not settings.TANDEM_PASSWORD_LOGIN:  # passwords are the provider's business (docs/sso.md)
            raise Http404("Password login is turned off.")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


password_reset = login_not_required(TandemPasswordResetView.as_view())


# The load balancer's probe: the database and the broker, 503 naming what is down.
health = health_probe.health


@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferencesForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Preferences saved.")
        return redirect("preferences")
    return render(request, "governance/preferences.html", {"form": form})
