"""My work lists every unowned step a person is chased for, by the reminders' own rule.

The product issue: the IT lead of three projects with 19 unowned steps read "Every
step of the active projects you own has an accountable owner" while reminder
e-mails chased him "as IT lead". My work now shows the unowned steps of the
projects a person owns, leads in IT or sponsors, and marks the ones reminders
chase now with the reminders' own selector (``raci.reminder_plan.steps_to_chase``).
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import ProjectFactory, UserFactory, assign
from governance.models import Department
from projects.models import LifecycleStep, ProjectStatus, StepStatus
from raci.models import Role
from raci.reminder_plan import plan_reminders
from raci.selectors import unowned_duties

pytestmark = pytest.mark.django_db


@pytest.fixture
def it_lead_of_three(it_lead):
    """Three active projects led in IT by ``it_lead``, owned by others: 19 unowned steps
    (10 + 5 + 4), two of them in progress and one due tomorrow (chased now)."""
    today = timezone.localdate()
    first = ProjectFactory.create(it_lead=it_lead, name="Alpha CRM")
    second = ProjectFactory.create(it_lead=it_lead, name="Beta CDP")
    third = ProjectFactory.create(it_lead=it_lead, name="Gamma DAM")
    boss = UserFactory(department=Department.MARKETING)
    for project, owned in ((second, range(1, 6)), (third, range(1, 7))):
        for number in owned:
            assign(project.steps.get(number=number), boss, Role.ACCOUNTABLE)
    first.steps.filter(number__in=(1, 2)).update(status=StepStatus.IN_PROGRESS, started_at=timezone.now())
    second.steps.filter(number=6).update(due_date=today + timedelta(days=1))
    return [first, second, third]


def test_the_it_lead_of_three_projects_sees_all_nineteen_unowned_steps(client, it_lead, it_lead_of_three):
    client.force_login(it_lead)
    response = client.get(reverse("my_work"))
    page = response.content.decode()
    duties = response.context["unowned_duties"]
    assert len(duties) == 19
    assert {step.duties[0] for step in duties} == {"IT lead"}
    assert "has an accountable owner" not in page
    for project in it_lead_of_three:
        assert f'<a href="{project.get_absolute_url()}">{project.name}</a>' in page  # names are links
    # each step links straight to the matrix at that step
    first = it_lead_of_three[0]
    assert f"{reverse('raci:matrix', args=[first.slug])}?step=1#step-1" in page
    assert page.count("Reminders going out") == 3 + 1  # the legend, and the three chased steps


def test_the_steps_marked_chased_are_exactly_those_reminders_go_out_for(it_lead, it_lead_of_three):
    now = timezone.now()
    reminded = {item.step.pk for item in plan_reminders(now=now).planned if item.recipient == it_lead}
    chased = {step.pk for step in unowned_duties(it_lead, now=now) if step.chased}
    assert chased == reminded and len(chased) == 3


def test_owners_and_sponsors_see_their_projects_steps_too(client, owner, it_lead, user_factory):
    sponsor = user_factory(department=Department.MARKETING)
    project = ProjectFactory.create(owner=owner, it_lead=it_lead, marketing_sponsor=sponsor, name="Shared")
    for number in range(1, 9):
        assign(project.steps.get(number=number), owner, Role.ACCOUNTABLE)
    for person, duty in ((owner, "owner"), (it_lead, "IT lead"), (sponsor, "marketing sponsor")):
        steps = unowned_duties(person, now=timezone.now())
        assert [(s.number, s.duties) for s in steps] == [(9, [duty]), (10, [duty])]
    # someone who only holds a role on the project is not asked to find owners
    bystander = user_factory()
    assign(project.steps.get(number=1), bystander, Role.CONSULTED)
    assert unowned_duties(bystander, now=timezone.now()) == []


def test_done_steps_paused_projects_and_inactive_owners(owner, it_lead, user_factory):
    project = ProjectFactory.create(owner=owner, it_lead=it_lead, name="Mixed")
    leaver = user_factory(department=Department.IT)
    for step in project.steps.exclude(number__in=(3, 4)):
        assign(step, owner, Role.ACCOUNTABLE)
    assign(project.steps.get(number=3), leaver, Role.ACCOUNTABLE)
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    step4 = project.steps.get(number=4)
    assign(step4, it_lead, Role.RESPONSIBLE)
    LifecycleStep.objects.filter(pk=step4.pk).update(status=StepStatus.DONE, completed_at=timezone.now())
    # step 3's Accountable person left: it is unowned; step 4 is done: nothing to chase
    assert [s.number for s in unowned_duties(owner, now=timezone.now())] == [3]
    type(project).objects.filter(pk=project.pk).update(status=ProjectStatus.ON_HOLD)
    assert unowned_duties(owner, now=timezone.now()) == []
