from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from governance import views
from overview import dashboard_views
from overview import views as overview_views

urlpatterns = [
    path("", overview_views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
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
    path("admin/", admin.site.urls),
]
