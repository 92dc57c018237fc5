from django.urls import path

from raci import framework_views, reminder_optout, views

app_name = "raci"

urlpatterns = [
    path("projects/<slug:slug>/raci/", views.matrix, name="matrix"),
    path("projects/<slug:slug>/raci/row/", views.matrix_row, name="matrix_row"),
    path(
        "projects/<slug:slug>/raci/steps/<int:number>/accountable/",
        views.assign_accountable,
        name="assign_accountable",
    ),
    path("projects/<slug:slug>/raci/bulk/accountable/", views.bulk_accountable, name="bulk_accountable"),
    path("projects/<slug:slug>/raci/bulk/it-steps/", views.bulk_it_steps, name="bulk_it_steps"),
    path(
        "projects/<slug:slug>/steps/<int:number>/status/<slug:transition>/",
        views.step_transition_view,
        name="step_transition",
    ),
    # A digest's one-click opt-out (a signed link; no login needed).
    path("reminders/off/<str:token>/", reminder_optout.reminders_off, name="reminders_off"),
]

# The organization's responsibility framework (raci.framework_views).
urlpatterns += [
    path("framework/", framework_views.framework_page, name="framework"),
    path("framework/edit/", framework_views.framework_edit, name="framework_edit"),
    path("projects/<slug:slug>/framework/", framework_views.framework_apply_view, name="framework_apply"),
]
