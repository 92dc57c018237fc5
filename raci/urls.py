from django.urls import path

from raci import duties_views, framework_views, reminder_optout, views

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

# The duties of the letters (raci.duties_views, docs/raci-duties.md).
urlpatterns += [
    path("projects/<slug:slug>/steps/<int:number>/duties/", duties_views.step_duties, name="step_duties"),
    path("projects/<slug:slug>/steps/<int:number>/duties/accept/", duties_views.acknowledge, name="acknowledge"),
    path("projects/<slug:slug>/steps/<int:number>/duties/decline/", duties_views.decline, name="decline"),
    path("projects/<slug:slug>/steps/<int:number>/duties/consult/", duties_views.consult, name="consult"),
    path(
        "projects/<slug:slug>/steps/<int:number>/duties/waive/<int:user_id>/",
        duties_views.waive,
        name="waive_consultation",
    ),
    # The digest's one-click acceptance (a signed link; no login needed).
    path("accountable/accept/<str:token>/", duties_views.acknowledge_link, name="acknowledge_link"),
]
