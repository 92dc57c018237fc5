from django.urls import path

from raci import views

app_name = "raci"

urlpatterns = [
    path("projects/<slug:slug>/raci/", views.matrix, name="matrix"),
    path("projects/<slug:slug>/raci/row/", views.matrix_row, name="matrix_row"),
    path(
        "projects/<slug:slug>/steps/<int:number>/status/<slug:transition>/",
        views.step_transition_view,
        name="step_transition",
    ),
]
