from django.urls import path

from projects import import_views, liaison_views, views

app_name = "projects"

urlpatterns = [
    path("projects/new/", views.project_create, name="create"),
    path("projects/import/", import_views.project_import, name="import"),
    path("projects/import/template.csv", import_views.import_template, name="import_template"),
    path("projects/liaisons/", liaison_views.organization_liaisons, name="liaisons"),
    path("projects/<slug:slug>/edit/", views.project_edit, name="edit"),
    path("projects/<slug:slug>/liaisons/", liaison_views.project_liaisons, name="project_liaisons"),
    path("projects/<slug:slug>/steps/<int:number>/edit/", views.step_edit, name="step_edit"),
    path("projects/<slug:slug>/plan/", views.steps_plan, name="plan"),
]
