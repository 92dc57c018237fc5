from django.urls import path

from alignment import views

app_name = "alignment"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/answer/", views.round_answer, name="answer"),
    path("rounds/<int:pk>/close/", views.round_close_view, name="close"),
    path("rounds/<int:pk>/extend/", views.round_extend_view, name="extend"),
    path("rounds/<int:pk>/results.csv", views.round_export, name="export"),
    path("projects/<slug:slug>/", views.project_rounds, name="project_rounds"),
    path("projects/<slug:slug>/new/", views.project_round_new, name="project_round_new"),
]
