from django.urls import path

from scorecards import views

app_name = "scorecards"

base = "projects/<slug:slug>/scorecard/"
urlpatterns = [
    path(base, views.scorecard, name="scorecard"),
    path(base + "candidates/add/", views.candidate_add, name="candidate_add"),
    path(base + "candidates/<int:candidate_id>/edit/", views.candidate_edit, name="candidate_edit"),
    path(base + "candidates/<int:candidate_id>/delete/", views.candidate_delete, name="candidate_delete"),
    path(base + "candidates/<int:candidate_id>/rate/", views.rate, name="rate"),
    path(base + "candidates/<int:candidate_id>/invite/", views.invite, name="invite"),
    path(base + "candidates/<int:candidate_id>/choose/", views.decide, name="decide"),
    path(base + "decision/withdraw/", views.withdraw, name="withdraw"),
    path(base + "decisions/<int:decision_id>/", views.decision, name="decision"),
    path(base + "decisions/<int:decision_id>/sign/<str:side>/", views.decision_sign, name="decision_sign"),
    path(base + "decisions/<int:decision_id>/break-tie/", views.decision_break_tie, name="decision_break_tie"),
    path(base + "export.<str:fmt>", views.export, name="export"),
]
