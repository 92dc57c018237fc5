"""Demo data: people on both sides, three projects at different stages.

Idempotent: people are updated in place, and a project that already exists
(by name) is left as it is, so running it twice changes nothing.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from alignment import services as alignment
from alignment.defaults import ensure_default_questionnaire
from alignment.models import AlignmentRound, RoundDimension
from governance.models import Department, Side, User
from projects.models import Project
from projects.services import project_create, project_update, step_update
from raci.services import Transition, matrix_save, step_transition
from scorecards import services as scorecards
from scorecards.defaults import ensure_default_criteria
from scorecards.services import scorecard_for

PASSWORD = "tandem-demo"

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


class Command(BaseCommand):
    help = "Create demo people and projects (idempotent) and print the logins."

    def handle(self, *args, **options):
        with transaction.atomic():
            people = self._people()
            created = self._projects(people)
            self._alignment(people)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} project(s) created)."))
        self.stdout.write(f"Log in at http://127.0.0.1:8000/ with any of these (password: {PASSWORD}):")
        for username, first, last, department, title, executive, staff in PEOPLE:
            extra = " · executive" if executive else (" · administrator" if staff else "")
            self.stdout.write(f"  {username:<11} {first} {last}, {title} ({department.label}{extra})")

    def _people(self) -> dict[str, User]:
        people = {}
        for username, first, last, department, title, executive, staff in PEOPLE:
            user, _ = User.objects.update_or_create(
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
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
            people[username] = user
        return people

    def _projects(self, p: dict[str, User]) -> int:
        today = timezone.localdate()
        created = 0
        plans = [
            {
                "name": "Customer data platform",
                "age": 75,
                "problem": "Customer data sits in six tools; campaigns cannot use a single view of the customer.",
                "owner": p["mops"],
                "marketing_sponsor": p["cmo"],
                "it_sponsor": p["cio"],
                "it_lead": p["itlead"],
                "budget_owner_side": Side.MARKETING,
                "requirements_side": Side.IT,
                "target_launch": today + timedelta(days=150),
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
                "owner": p["content"],
                "marketing_sponsor": p["cmo"],
                "it_sponsor": p["cio"],
                "it_lead": p["itlead"],
                "budget_owner_side": Side.MARKETING,
                "requirements_side": Side.MARKETING,
                "target_launch": today + timedelta(days=240),
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
                "owner": p["analyst"],
                "marketing_sponsor": p["cmo"],
                "it_sponsor": None,
                "it_lead": None,
                "budget_owner_side": Side.IT,
                "requirements_side": Side.MARKETING,
                "target_launch": None,
                "roles": {"analyst": "AR........", "content": "C.........", "finance": "I........."},
                "done": 0,
                "in_progress": [],
            },
            {
                "name": "Social listening",
                "age": 120,
                "problem": "Complaints on social media reach the brand team days after customers post them.",
                "owner": p["content"],
                "marketing_sponsor": p["cmo"],
                "it_sponsor": p["cio"],
                "it_lead": p["integrator"],
                "budget_owner_side": Side.MARKETING,
                "requirements_side": Side.MARKETING,
                "target_launch": today + timedelta(days=20),
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
                "owner": p["mops"],
                "marketing_sponsor": p["cmo"],
                "it_sponsor": p["cio"],
                "it_lead": p["security"],
                "budget_owner_side": Side.IT,
                "requirements_side": Side.IT,
                "target_launch": today + timedelta(days=120),
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
                "owner": p["analyst"],
                "marketing_sponsor": p["cmo"],
                "it_sponsor": p["cio"],
                "it_lead": p["itlead"],
                "budget_owner_side": Side.IT,
                "requirements_side": Side.IT,
                "target_launch": today - timedelta(days=30),
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
                "owner": p["content"],
                "marketing_sponsor": p["cmo"],
                "it_sponsor": None,
                "it_lead": p["integrator"],
                "budget_owner_side": Side.MARKETING,
                "requirements_side": Side.MARKETING,
                "target_launch": today + timedelta(days=200),
                "roles": {"content": "AA........", "integrator": "..R.......", "analyst": "RR........"},
                "done": 1,
                "in_progress": [2],
                "blocked": [3],
                "due_shift": -10,
            },
        ]
        for plan in plans:
            if Project.objects.filter(name=plan["name"]).exists():
                continue
            roles = plan.pop("roles")
            done, in_progress = plan.pop("done"), plan.pop("in_progress")
            blocked, due_shift = plan.pop("blocked", []), plan.pop("due_shift", 0)
            status = plan.pop("status", None)
            age = plan.pop("age", 30)
            owner = plan.pop("owner")
            project = project_create(actor=owner, owner=owner, **plan)
            # Demo projects started a while ago: unowned steps have waited since then.
            Project.objects.filter(pk=project.pk).update(created_at=timezone.now() - timedelta(days=age))
            steps = list(project.steps.order_by("number"))
            rows = {
                p[username].pk: {
                    step.pk: (code if code != "." else "") for step, code in zip(steps, codes, strict=True)
                }
                for username, codes in roles.items()
            }
            matrix_save(actor=owner, project=project, rows=rows)
            for step in steps[:done]:
                step_transition(actor=owner, step=step, transition=Transition.START)
                step_transition(actor=owner, step=step, transition=Transition.FINISH)
            for number in in_progress:
                step_transition(actor=owner, step=steps[number - 1], transition=Transition.START)
            for number in blocked:
                step_transition(
                    actor=owner, step=steps[number - 1], transition=Transition.BLOCK, reason="Waiting for a budget"
                )
            for offset, step in enumerate(steps[done:], start=1):
                step_update(actor=owner, step=step, due_date=today + timedelta(days=6 * offset - 3 + due_shift))
            if status:
                project_update(actor=owner, project=project, status=status)
            if project.name == "Customer data platform":
                self._scorecard(project, p)
            if project.name == "Consent and preference centre":
                self._consent_scorecard(project, p)
            created += 1
        return created

    def _scorecard(self, project: Project, p: dict[str, User]) -> None:
        """Three candidates rated by both sides; the CIO has not rated yet."""
        ensure_default_criteria()
        sc = scorecard_for(project)
        criteria = list(sc.criteria.order_by("group", "position"))
        candidates = [
            scorecards.candidate_save(actor=p["mops"], scorecard=sc, name=name, website=site, build_in_house=build)
            for name, site, build in (
                ("Northwind CDP", "https://northwind.example", False),
                ("Bluefin Data Cloud", "https://bluefin.example", False),
                ("Build in-house", "", True),
            )
        ]
        # rows: candidate × rater → ten scores (IT criteria first, then Marketing)
        scores = {
            ("Northwind CDP", "itlead"): "4434354545",
            ("Northwind CDP", "security"): "4434354444",
            ("Northwind CDP", "mops"): "3344455545",
            ("Northwind CDP", "analyst"): "4344454455",
            ("Bluefin Data Cloud", "itlead"): "3324244334",
            ("Bluefin Data Cloud", "security"): "2323344334",
            ("Bluefin Data Cloud", "mops"): "4444455555",
            ("Bluefin Data Cloud", "analyst"): "4433454454",
            ("Build in-house", "itlead"): "5554122223",
            ("Build in-house", "security"): "5543222232",
            ("Build in-house", "mops"): "3332221212",
        }
        for candidate in candidates:
            for username in ("itlead", "security", "mops", "analyst"):
                row = scores.get((candidate.name, username))
                if row is None:
                    continue
                self._rate(p[username], candidate, criteria, row)

    def _rate(self, rater: User, candidate, criteria: list, row: str) -> None:
        """Submit ``rater``'s scores, one digit per criterion (IT criteria first)."""
        scorecards.ratings_save(
            actor=rater,
            candidate=candidate,
            scores={c.pk: int(score) for c, score in zip(criteria, row, strict=True)},
            comments={},
            submit=True,
        )

    def _consent_scorecard(self, project: Project, p: dict[str, User]) -> None:
        """The leading candidate scores well overall but below the agreed minimum on Security."""
        ensure_default_criteria()
        sc = scorecard_for(project)
        criteria = list(sc.criteria.order_by("group", "position"))
        sc.criteria.filter(name="Security").update(minimum=3)  # agreed with the CIO
        scores = {
            "Consentry": {"security": "2545555555", "mops": "2455545555", "content": "2455455545"},
            "PrivacyHub": {"security": "2434333443", "mops": "2443334343", "content": "2343343434"},
        }
        for name, by_rater in scores.items():
            candidate = scorecards.candidate_save(actor=p["mops"], scorecard=sc, name=name)
            for username, row in by_rater.items():
                self._rate(p[username], candidate, criteria, row)

    def _project_round(self, p: dict[str, User], today) -> None:
        """A closed round on Social listening: Marketing sees it going far better than IT does."""
        project = Project.objects.get(name="Social listening")
        round_ = alignment.round_open(
            actor=p["content"],
            title="Social listening mid-project check",
            closes_on=today,
            invitees=[p[u] for u in ("content", "analyst", "cmo", "integrator", "security", "cio")],
            project=project,
        )
        levels = {
            "content": "44544434",
            "analyst": "45434444",
            "cmo": "44443454",
            "integrator": "22312322",
            "security": "32222213",
            "cio": "23232322",
        }
        self._answer_and_close(p, round_, levels, closer=p["content"])

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

    def _alignment(self, p: dict[str, User]) -> None:
        """Two closed organization rounds (a trend, and a perception gap) and one open
        project round waiting for the IT lead."""
        titles = ["Spring alignment check", "Autumn alignment check", "Customer data platform kick-off check"]
        if AlignmentRound.objects.filter(title__in=titles).exists():
            return
        ensure_default_questionnaire()
        today = timezone.localdate()
        respondents = ["cmo", "mops", "content", "analyst", "cio", "itlead", "security", "integrator"]
        # levels per dimension (8), per person: Marketing sees itself better aligned than IT does
        answers = {
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
        for title, levels in answers.items():
            round_ = alignment.round_open(
                actor=p["cmo"], title=title, closes_on=today, invitees=[p[u] for u in respondents]
            )
            self._answer_and_close(p, round_, levels, closer=p["cmo"])
        self._project_round(p, today)
        project = Project.objects.get(name="Customer data platform")
        alignment.round_open(
            actor=p["mops"],
            title="Customer data platform kick-off check",
            closes_on=today + timedelta(days=14),
            invitees=[p[u] for u in ("mops", "content", "analyst", "itlead", "integrator", "security")],
            project=project,
        )
