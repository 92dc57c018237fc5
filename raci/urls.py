from django.urls import path

from raci import reminder_optout, views

app_name = "raci"

urlpatterns = [
    path("projects/<slug:slug>/raci/", views.matrix, name="matrix"),
    path("projects/<slug:slug>/raci/row/", views.matrix_row, name="matrix_row"),
    path(
        "projects/<slug:slug>/steps/<int:number>/status/<slug:transition>/",
        views.step_transition_view,
        name="step_transition",
    ),
    # A digest's one-click opt-out (a signed link; no login needed).
    path("reminders/off/<str:token>/", reminder_optout.reminders_off, name="reminders_off"),
]
