"""Demo data: people on both sides, seven projects at different stages, alignment rounds.

Idempotent: a person, a project (by name) or the alignment rounds that already
exist are left as they are, so running it twice changes nothing.

Safe by default: every demo person gets the same published password, so the
command runs only with DJANGO_DEBUG on, unless told plainly that this is a
production database (``--allow-production``); and it never touches a person
who already exists (not their password, not their permissions).
"""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from alignment import services as alignment
from alignment.defaults import ensure_default_questionnaire
from alignment.models import AlignmentRound, RoundDimension
from governance.models import Department, Side, User
from projects.models import Project
from projects.services import project_create, project_update, step_update
from raci.services import matrix_save, step_transition
from raci.transitions import Transition
from scorecards import services as scorecards
from scorecards.defaults import ensure_default_criteria
from scorecards.services import scorecard_for

PASSWORD = "tandem-demo"
ALLOW_PRODUCTION = "--allow-production"

PEOPLE = [
    # username, first, last, department, title, executive, staff
    ("cmo", "Claire", "Moreau", Department.MARKETING, "Chief Marketing Officer", True, False),
    ("cio", "Ian", "Okafor", Department.IT, "Chief Information Officer", True, False),
    ("mops", "Maya", "Patel", Department.MARKETING_OPS, "Marketing Operations Manager", False, False),
    ("itlead", "Theo", "Lindqvist", Department.IT, "IT Lead, Marketing Systems", False, False),
    ("content", "Sofia", "Reyes", Department.MARKETING, "Content & Campaigns Lead", False, False),
    ("analyst", "Lucas", "Brandt", Department.MARKETING_OPS, "Marketing Data Analyst", False, False),
    ("security", "Dev", "Raman", Department.IT, "Security Engineer", False, False),
    ("integrator", "Nora", "Quinn", Department.IT, "Integration Developer", False, False),
    ("finance", "Olivia", "Chen", Department.OTHER, "Finance Business Partner", False, False),
    ("admin", "Ada", "Admin", Department.OTHER, "Tandem administrator", False, True),
]

# One plan per project. People are usernames; "age" is how many days ago it
# started, "launch_in" the target launch in days from today (None: none yet);
# "roles" gives each person's RACI code per step, one character per step
# ("." for none); the first "done" steps are finished, "in_progress" and
# "blocked" list step numbers; "due_shift" moves the open steps' due dates.
PROJECTS = [
    {
        "name": "Customer data platform",
        "age": 75,
        "problem": "Customer data sits in six tools; campaigns cannot use a single view of the customer.",
        "people": {"owner": "mops", "marketing_sponsor": "cmo", "it_sponsor": "cio", "it_lead": "itlead"},
        "budget_owner_side": Side.MARKETING,
        "requirements_side": Side.IT,
        "launch_in": 150,
        "roles": {
            "mops": "AARRC.C..I",
            "itlead": "CCAAR.A...",
            "cmo": "I.I.A...I.",
            "cio": ".I.CC...I.",
            "integrator": "...R.RRR.R",
            "security": "..C.C..C.A",
            "content": "RR......R.",
            "analyst": "..R.R..RC.",
        },
        "done": 4,
        "in_progress": [5],
    },
    {
        "name": "Marketing automation migration",
        "age": 40,
        "problem": "The email and nurture tool is end-of-life and nobody owns its integrations.",
        "people": {"owner": "content", "marketing_sponsor": "cmo", "it_sponsor": "cio", "it_lead": "itlead"},
        "budget_owner_side": Side.MARKETING,
        "requirements_side": Side.MARKETING,
        "launch_in": 240,
        "roles": {
            "content": "AARC......",
            "analyst": "RRA.......",
            "itlead": "CC.RC.....",
            "integrator": "..CR......",
        },
        "done": 2,
        "in_progress": [3],
    },
    {
        "name": "Website personalization",
        "age": 12,
        "problem": "Every visitor sees the same home page; conversion from returning visitors is flat.",
        "people": {"owner": "analyst", "marketing_sponsor": "cmo"},
        "budget_owner_side": Side.IT,
        "requirements_side": Side.MARKETING,
        "launch_in": None,
        "roles": {"analyst": "AR........", "content": "C.........", "finance": "I........."},
        "done": 0,
        "in_progress": [],
    },
    {
        "name": "Social listening",
        "age": 120,
        "problem": "Complaints on social media reach the brand team days after customers post them.",
        "people": {"owner": "content", "marketing_sponsor": "cmo", "it_sponsor": "cio", "it_lead": "integrator"},
        "budget_owner_side": Side.MARKETING,
        "requirements_side": Side.MARKETING,
        "launch_in": 20,
        "roles": {
            "content": "AAA.A...AR",
            "integrator": "..RARAA..A",
            "security": "...C.RRR..",
            "analyst": "RR.R....R.",
        },
        "done": 6,
        "in_progress": [7],
        "due_shift": -40,
    },
    {
        "name": "Consent and preference centre",
        "age": 60,
        "problem": "Opt-outs are honoured by email but not by ads or the call centre: a compliance risk.",
        "people": {"owner": "mops", "marketing_sponsor": "cmo", "it_sponsor": "cio", "it_lead": "security"},
        "budget_owner_side": Side.IT,
        "requirements_side": Side.IT,
        "launch_in": 120,
        "roles": {
            "mops": "AA..R....I",
            "security": "CCAA.ARA.A",
            "integrator": "..RR.R.R.R",
            "content": "RR.....CR.",
        },
        "done": 3,
        "in_progress": [4],
    },
    {
        "name": "Marketing data warehouse",
        "age": 300,
        "problem": "Campaign results are reconciled by hand in spreadsheets every month.",
        "people": {"owner": "analyst", "marketing_sponsor": "cmo", "it_sponsor": "cio", "it_lead": "itlead"},
        "budget_owner_side": Side.IT,
        "requirements_side": Side.IT,
        "launch_in": -30,
        "roles": {
            "analyst": "AAR.R...AR",
            "itlead": "C.AAAAAA.A",
            "integrator": "...R.RRR..",
            "mops": "RR..C...R.",
        },
        "done": 10,
        "in_progress": [],
        "status": "done",
    },
    {
        "name": "Event management platform",
        "age": 25,
        "problem": "Events are run from four spreadsheets; leads from events reach sales weeks late.",
        "people": {"owner": "content", "marketing_sponsor": "cmo", "it_lead": "integrator"},
        "budget_owner_side": Side.MARKETING,
        "requirements_side": Side.MARKETING,
        "launch_in": 200,
        "roles": {"content": "AA........", "integrator": "..R.......", "analyst": "RR........"},
        "done": 1,
        "in_progress": [2],
        "blocked": [3],
        "due_shift": -10,
    },
]

# Customer data platform: candidate × rater → ten scores (IT criteria first,
# then Marketing); the CIO has not rated yet.
CDP_CANDIDATES = [
    # name, website, build in-house
    ("Northwind CDP", "https://northwind.example", False),
    ("Bluefin Data Cloud", "https://bluefin.example", False),
    ("Build in-house", "", True),
]
CDP_SCORES = {
    "Northwind CDP": {"itlead": "4434354545", "security": "4434354444", "mops": "3344455545", "analyst": "4344454455"},
    "Bluefin Data Cloud": {
        "itlead": "3324244334",
        "security": "2323344334",
        "mops": "4444455555",
        "analyst": "4433454454",
    },
    "Build in-house": {"itlead": "5554122223", "security": "5543222232", "mops": "3332221212"},
}
# Consent and preference centre: the leader scores well overall but below the
# agreed minimum on Security.
CONSENT_SCORES = {
    "Consentry": {"security": "2545555555", "mops": "2455545555", "content": "2455455545"},
    "PrivacyHub": {"security": "2434333443", "mops": "2443334343", "content": "2343343434"},
}

# Alignment: levels per dimension (eight), per person. Marketing sees itself
# better aligned than IT does, in both organization rounds and on Social listening.
ORGANIZATION_RESPONDENTS = ["cmo", "mops", "content", "analyst", "cio", "itlead", "security", "integrator"]
ORGANIZATION_ROUNDS = {
    "Spring alignment check": {
        "cmo": "32322322",
        "mops": "22212322",
        "content": "32221222",
        "analyst": "22322312",
        "cio": "21211212",
        "itlead": "12111221",
        "security": "21121111",
        "integrator": "11212121",
    },
    "Autumn alignment check": {
        "cmo": "43433433",
        "mops": "33323433",
        "content": "43332333",
        "analyst": "33433423",
        "cio": "32322323",
        "itlead": "23222332",
        "security": "32232222",
        "integrator": "22323232",
    },
}
SOCIAL_ROUND = "Social listening mid-project check"
SOCIAL_LEVELS = {
    "content": "44544434",
    "analyst": "45434444",
    "cmo": "44443454",
    "integrator": "22312322",
    "security": "32222213",
    "cio": "23232322",
}
CDP_ROUND = "Customer data platform kick-off check"
CDP_ROUND_INVITEES = ["mops", "content", "analyst", "itlead", "integrator", "security"]


# Each module's ``seed(people)`` adds its app's demo data, idempotently, after the
# projects exist; in this order (intake names tools from the stack and applies
# the framework).
FRONT_DOOR_DEMOS = (
    "raci.framework_demo",
    "inventory.demo",
    "intake.demo",
    "projects.demo",
    "roadmap.demo",
    "integrations.demo",
    "scorecards.demo",  # vendor decisions: one standing, one waiting for the IT sponsor, one tie broken
    "committee.demo",  # after the portfolio it draws the agenda from (the signature waiting included)
    "raci.duties_demo",  # last: accepts what the demos above asked, but one awaiting and one declined
)


class Command(BaseCommand):
    help = (
        "Create demo people and projects (idempotent) and print the logins. Runs only with "
        f"DJANGO_DEBUG on unless given {ALLOW_PRODUCTION}; never changes a person who already exists."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            ALLOW_PRODUCTION,
            action="store_true",
            dest="allow_production",
            help=f"Seed even though DJANGO_DEBUG is off: new demo people get the published password {PASSWORD!r}.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "seed_demo refuses to run with DJANGO_DEBUG off: it creates people whose password "
                f"({PASSWORD!r}) is published in the README. For a local demo set DJANGO_DEBUG=true "
                f"(make run does). To seed this database anyway, pass {ALLOW_PRODUCTION}."
            )
        with transaction.atomic():
            people, new = self._people()
            created = sum(self._project(plan, people) for plan in PROJECTS if not _exists(plan))
            self._alignment(people)
            self._front_door(people)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} project(s) created)."))
        self.stdout.write(f"Log in at http://127.0.0.1:8000/ with any of these (password: {PASSWORD}):")
        for username, first, last, department, title, executive, staff in PEOPLE:
            extra = " · executive" if executive else (" · administrator" if staff else "")
            kept = "" if username in new else "  [already existed: left as it was, password unchanged]"
            self.stdout.write(f"  {username:<11} {first} {last}, {title} ({department.label}{extra}){kept}")

    def _front_door(self, people: dict[str, User]) -> None:
        """The responsibility framework, the stack inventory and intake requests (each idempotent)."""
        for module in FRONT_DOOR_DEMOS:
            import_module(module).seed(people)

    def _people(self) -> tuple[dict[str, User], set[str]]:
        """The demo people by username, and the usernames created now. Someone
        who already exists is left exactly as they are."""
        people, new = {}, set()
        for username, first, last, department, title, executive, staff in PEOPLE:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@tandem.example",
                    "department": department,
                    "job_title": title,
                    "is_executive": executive,
                    "is_staff": staff,
                    "is_superuser": staff,
                    "is_active": True,
                },
            )
            if created:
                user.set_password(PASSWORD)
                user.save(update_fields=["password"])
                new.add(username)
            people[username] = user
        return people, new

    def _project(self, plan: dict, p: dict[str, User]) -> int:
        """Create one planned project with its RACI matrix, progress and scorecard."""
        today = timezone.localdate()
        roles = {name: p[username] for name, username in plan["people"].items()}
        owner = roles.pop("owner")
        project = project_create(
            actor=owner,
            owner=owner,
            name=plan["name"],
            problem=plan["problem"],
            budget_owner_side=plan["budget_owner_side"],
            requirements_side=plan["requirements_side"],
            target_launch=None if plan["launch_in"] is None else today + timedelta(days=plan["launch_in"]),
            **roles,
        )
        # Demo projects started a while ago: unowned steps have waited since then.
        Project.objects.filter(pk=project.pk).update(created_at=timezone.now() - timedelta(days=plan["age"]))
        steps = list(project.steps.order_by("number"))
        rows = {
            p[username].pk: {step.pk: (code if code != "." else "") for step, code in zip(steps, codes, strict=True)}
            for username, codes in plan["roles"].items()
        }
        matrix_save(actor=owner, project=project, rows=rows)
        self._progress(plan, owner, steps)
        if plan.get("status"):
            project_update(actor=owner, project=project, status=plan["status"])
        if project.name == "Customer data platform":
            self._scorecard(project, p, CDP_CANDIDATES, CDP_SCORES)
        if project.name == "Consent and preference centre":
            consent = [(name, "", False) for name in CONSENT_SCORES]
            self._scorecard(project, p, consent, CONSENT_SCORES, security_minimum=3)  # agreed with the CIO
        return 1

    def _progress(self, plan: dict, owner: User, steps: list) -> None:
        """Finish, start and block steps as planned; give the open ones due dates."""
        today = timezone.localdate()
        done = plan["done"]
        for step in steps[:done]:
            step_transition(actor=owner, step=step, transition=Transition.START)
            _consulted_agree(step)  # a step finishes once its Consulted people answered (raci.duties)
            step_transition(actor=owner, step=step, transition=Transition.FINISH)
        for number in plan["in_progress"]:
            step_transition(actor=owner, step=steps[number - 1], transition=Transition.START)
        for number in plan.get("blocked", []):
            step_transition(
                actor=owner, step=steps[number - 1], transition=Transition.BLOCK, reason="Waiting for a budget"
            )
        due_shift = plan.get("due_shift", 0)
        for offset, step in enumerate(steps[done:], start=1):
            step_update(actor=owner, step=step, due_date=today + timedelta(days=6 * offset - 3 + due_shift))

    def _scorecard(
        self, project: Project, p: dict[str, User], candidates: list, scores: dict, *, security_minimum=None
    ) -> None:
        """Candidates, each rated by the people in ``scores`` (one digit per criterion)."""
        ensure_default_criteria()
        sc = scorecard_for(project)
        criteria = list(sc.criteria.order_by("group", "position"))
        if security_minimum is not None:
            sc.criteria.filter(name="Security").update(minimum=security_minimum)
        for name, website, build in candidates:
            candidate = scorecards.candidate_save(
                actor=project.owner, scorecard=sc, name=name, website=website, build_in_house=build
            )
            for username, row in scores[name].items():
                scorecards.ratings_save(
                    actor=p[username],
                    candidate=candidate,
                    scores={c.pk: int(score) for c, score in zip(criteria, row, strict=True)},
                    comments={},
                    submit=True,
                )

    def _alignment(self, p: dict[str, User]) -> None:
        """Two closed organization rounds (a trend, and a perception gap), a closed
        round on Social listening, and an open one on Customer data platform."""
        titles = [*ORGANIZATION_ROUNDS, CDP_ROUND]
        if AlignmentRound.objects.filter(title__in=titles).exists():
            return
        ensure_default_questionnaire()
        today = timezone.localdate()
        for title, levels in ORGANIZATION_ROUNDS.items():
            invitees = [p[u] for u in ORGANIZATION_RESPONDENTS]
            round_ = alignment.round_open(actor=p["cmo"], title=title, closes_on=today, invitees=invitees)
            self._answer_and_close(p, round_, levels, closer=p["cmo"])
        round_ = alignment.round_open(
            actor=p["content"],
            title=SOCIAL_ROUND,
            closes_on=today,
            invitees=[p[u] for u in SOCIAL_LEVELS],
            project=Project.objects.get(name="Social listening"),
        )
        self._answer_and_close(p, round_, SOCIAL_LEVELS, closer=p["content"])
        alignment.round_open(
            actor=p["mops"],
            title=CDP_ROUND,
            closes_on=today + timedelta(days=14),
            invitees=[p[u] for u in CDP_ROUND_INVITEES],
            project=Project.objects.get(name="Customer data platform"),
        )

    def _answer_and_close(self, p: dict[str, User], round_, levels: dict[str, str], *, closer: User) -> None:
        """Each person answers the round's eight dimensions (one digit each), then it closes."""
        dimensions = list(RoundDimension.objects.filter(round=round_).order_by("position"))
        for username, row in levels.items():
            alignment.answers_submit(
                actor=p[username],
                round_=round_,
                answers={d.pk: (int(level), "") for d, level in zip(dimensions, row, strict=True)},
            )
        alignment.round_close(actor=closer, round_=round_)


def _consulted_agree(step) -> None:
    """Each Consulted person of ``step`` agrees, so the demo's finished steps could finish."""
    from raci.duties_services import consultation_answer
    from raci.models import RaciAssignment, Role

    for assignment in RaciAssignment.objects.filter(step=step, role=Role.CONSULTED).select_related("user"):
        consultation_answer(actor=assignment.user, step=step, answer="agree")


def _exists(plan: dict) -> bool:
    return Project.objects.filter(name=plan["name"]).exists()
