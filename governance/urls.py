from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from governance import views
from governance.oidc import views as sso_views
from overview import dashboard_views
from overview import views as overview_views

urlpatterns = [
    path("", overview_views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", sso_views.logout_view, name="logout"),
    # Single sign-on (governance/oidc; 404 unless TANDEM_OIDC_* is configured).
    path("sso/start/", sso_views.start, name="oidc_start"),
    path("sso/callback/", sso_views.callback, name="oidc_callback"),
    path("sso/refused/", sso_views.refused, name="oidc_refused"),
    # Passwords: Django's views and forms, Tandem's templates (templates/registration/).
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            extra_context={"timeout_days": settings.PASSWORD_RESET_TIMEOUT // 86400}
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("health/", views.health, name="health"),
    path("preferences/", views.preferences, name="preferences"),
    path("my-work/", overview_views.my_work, name="my_work"),
    path("portfolio/", dashboard_views.portfolio, name="portfolio"),
    path("portfolio/export.<str:fmt>", dashboard_views.portfolio_export, name="portfolio_export"),
    path("portfolio/steps/<str:kind>/", dashboard_views.step_list, name="portfolio_steps"),
    path("projects/", overview_views.project_list, name="project_list"),
    path("", include("projects.urls")),
    path("projects/<slug:slug>/", overview_views.project_detail, name="project_detail"),
    path("", include("raci.urls")),
    path("", include("scorecards.urls")),
    path("alignment/", include("alignment.urls")),
    path("stack/", include("inventory.urls")),
    path("intake/", include("intake.urls")),
    path("roadmap/", include("roadmap.urls")),
    path("committee/", include("committee.urls")),
    path("", include("api.urls")),
    path("calendar/", include("calendars.urls")),
    path("integrations/", include("integrations.urls")),
    path("admin/", admin.site.urls),
]
