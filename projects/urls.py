from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("projects/new/", views.project_create, name="create"),
    path("projects/<slug:slug>/edit/", views.project_edit, name="edit"),
    path("projects/<slug:slug>/steps/<int:number>/edit/", views.step_edit, name="step_edit"),
    path("projects/<slug:slug>/plan/", views.steps_plan, name="plan"),
]
