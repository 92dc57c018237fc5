from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"

    def ready(self) -> None:
        from projects import liaisons
        from projects.registry import register_digest, register_my_work, register_sidebar

        # Liaisons: who speaks for each side to the other (projects.liaisons), on the project
        # page's sidebar, on My work, and in the e-mail digest ("your IT liaison is …").
        register_sidebar("projects/_liaisons_sidebar.html", order=12, context=liaisons.sidebar_part)
        register_my_work("projects/_liaisons_my_work.html", order=60, context=liaisons.my_work_part)
        register_digest("projects/email/liaisons_digest", order=60, context=liaisons.digest_part)
