from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import transaction
from django.db.models import DateTimeField
from django.urls import reverse
from django.utils import timezone

from conftest import ProjectFactory, UserFactory, assign
from governance.models import Department
from projects.models import ProjectStatus, StepStatus
from raci import reminder_mail, tasks
from raci.models import Reminder, ReminderRun, ReminderRunStatus, Role
from raci.reminder_plan import period_start, steps_to_chase
from raci.reminder_sweep import sweep
from raci.services import matrix_save, release_held_run


def start(step, accountable):
    """Put a step in progress, then take its Accountable person away again."""
    assignment = assign(step, accountable, Role.ACCOUNTABLE)
    step.status = StepStatus.IN_PROGRESS
    step.started_at = timezone.now()
    step.save()
    assignment.delete()
    return step


@pytest.fixture
def chased(project, owner):
    """``project`` with step 2 in progress and unowned, everything else not due."""
    return start(project.steps.get(number=2), owner)


def steps_of(message):
    return message.body


@pytest.mark.django_db
def test_selects_unowned_steps_in_progress_due_soon_or_overdue(project, owner):
    today = timezone.localdate()
    start(project.steps.get(number=1), owner)
    project.steps.filter(number=3).update(due_date=today + timedelta(days=10))
    project.steps.filter(number=4).update(due_date=today - timedelta(days=2))
    project.steps.filter(number=5).update(due_date=today + timedelta(days=20))
    step6 = project.steps.get(number=6)
    step6.due_date = today
    step6.save()
    assign(step6, owner, Role.ACCOUNTABLE)  # owned: not chased
    chosen = sorted(s.number for s in steps_to_chase(now=timezone.now()))
    assert chosen == [1, 3, 4]


@pytest.mark.django_db
@pytest.mark.parametrize("status", [ProjectStatus.ON_HOLD, ProjectStatus.DONE, ProjectStatus.CANCELLED])
def test_projects_that_are_not_active_are_not_chased(chased, project, status):
    project.status = status
    project.save()
    assert not steps_to_chase(now=timezone.now()).exists()


@pytest.mark.django_db
def test_owner_and_it_lead_each_get_one_digest_grouped_by_project(chased, project, owner, it_lead, mailoutbox):
    other = ProjectFactory.create(owner=owner, name="Email migration")
    start(other.steps.get(number=7), owner)
    start(project.steps.get(number=8), owner)
    result = sweep()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([owner.email, it_lead.email])
    to_owner = next(m for m in mailoutbox if m.to == [owner.email])
    assert to_owner.subject == "Tandem: 3 steps need an accountable owner"
    body = to_owner.body
    assert (
        body.index("Customer data platform")
        < body.index("Step 2, Define desired outcomes")
        < body.index("Step 8, Testing")
        < body.index("Email migration")
        < body.index("Step 7, Project management")
    )
    assert "Suggested accountable side: IT, then Marketing" in body
    assert f"/projects/{project.slug}/raci/" in body and f"/projects/{other.slug}/raci/" in body
    assert "Turn reminders off in your preferences: http://" in body and body.rstrip().count("/preferences/") == 1
    html = to_owner.alternatives[0][0]
    assert "Assign owners in the RACI matrix" in html and "8. Testing" in html
    assert result.run.emails_sent == 2 and result.run.reminders_sent == 5  # owner 3, IT lead 2
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 5


@pytest.mark.django_db
def test_never_twice_in_one_period_and_again_in_the_next(chased, owner, it_lead, mailoutbox):
    now = timezone.now()
    sweep(now=now)
    sweep(now=now + timedelta(minutes=5))
    assert len(mailoutbox) == 2
    sweep(now=now + timedelta(hours=25))
    assert len(mailoutbox) == 4
    assert Reminder.objects.count() == 4


@pytest.mark.django_db
def test_period_boundary_does_not_remind_twice_within_the_period(chased, mailoutbox, settings):
    boundary = period_start(timezone.now()) + timedelta(hours=24)
    sweep(now=boundary - timedelta(minutes=1))
    sweep(now=boundary + timedelta(minutes=1))
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_escalation_adds_sponsors_three_days_after_the_first_reminder(chased, project, mailoutbox, user_factory):
    project.marketing_sponsor = user_factory(department=Department.MARKETING, email="cmo@example.com")
    project.it_sponsor = user_factory(department=Department.IT, email="cio@example.com")
    project.save()
    now = timezone.now()
    sweep(now=now)
    sweep(now=now + timedelta(days=2, hours=1))
    assert {m.to[0] for m in mailoutbox} == {project.owner.email, project.it_lead.email}
    mailoutbox.clear()
    sweep(now=now + timedelta(days=3, hours=2))  # more than a period after the second run's reminders
    assert {m.to[0] for m in mailoutbox} == {
        project.owner.email,
        project.it_lead.email,
        "cmo@example.com",
        "cio@example.com",
    }
    to_cmo = next(m for m in mailoutbox if m.to == ["cmo@example.com"])
    assert to_cmo.subject.startswith("[Escalation]") and "[escalation]" in to_cmo.body
    assert Reminder.objects.filter(escalation=True).count() == 2


@pytest.mark.django_db
def test_escalation_clock_restarts_when_the_step_gets_an_owner_again(chased, project, owner, mailoutbox, user_factory):
    project.marketing_sponsor = user_factory(department=Department.MARKETING, email="cmo@example.com")
    project.save()
    now = timezone.now()
    sweep(now=now)
    assign(chased, owner, Role.ACCOUNTABLE).delete()  # owned again, then lost again
    mailoutbox.clear()
    sweep(now=now + timedelta(days=4))
    assert "cmo@example.com" not in {m.to[0] for m in mailoutbox}


@pytest.mark.django_db
def test_people_who_opted_out_or_left_are_skipped(chased, owner, it_lead, mailoutbox):
    owner.reminders_enabled = False
    owner.save()
    sweep()
    assert [m.to for m in mailoutbox] == [[it_lead.email]]


@pytest.mark.django_db
def test_administrators_are_told_when_nobody_is_left(chased, owner, it_lead, admin_user, mailoutbox):
    owner.reminders_enabled = False
    owner.save()
    it_lead.is_active = False
    it_lead.save()
    sweep()
    assert [m.to for m in mailoutbox] == [[admin_user.email]]
    assert Reminder.objects.get().reason == "administrator"


@pytest.mark.django_db
def test_safety_net_holds_a_large_run_until_an_administrator_releases_it(
    chased, admin_user, mailoutbox, settings, owner
):
    settings.TANDEM_REMINDER_MAX_RECIPIENTS = 1
    first = sweep()
    assert first.held and Reminder.objects.count() == 0
    assert [m.to for m in mailoutbox] == [[admin_user.email]]
    assert "held a reminder run" in mailoutbox[0].subject
    second = sweep()
    assert second.held and len(mailoutbox) == 1  # administrators are told once per held run
    assert ReminderRun.objects.filter(status=ReminderRunStatus.HELD).count() == 1

    with pytest.raises(PermissionDenied):
        release_held_run(actor=owner, run=first.run)
    assert release_held_run(actor=admin_user, run=first.run)
    third = sweep()
    assert not third.held and len(mailoutbox) == 3
    another = ProjectFactory.create(owner=UserFactory(), it_lead=UserFactory(department=Department.IT), name="Another")
    another.steps.filter(number=1).update(status=StepStatus.IN_PROGRESS, started_at=timezone.now())
    assert sweep().held  # a release lets one run through, not every run after it


@pytest.mark.django_db
def test_an_administrator_releases_a_held_run_in_admin(chased, admin_user, client, settings):
    settings.TANDEM_REMINDER_MAX_RECIPIENTS = 1
    held = sweep().run
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:raci_reminderrun_changelist"),
        {"action": "release", "_selected_action": [held.pk]},
        follow=True,
    )
    assert "1 held run(s) released" in response.content.decode()
    held.refresh_from_db()
    assert held.status == ReminderRunStatus.RELEASED and held.released_by == admin_user
    assert client.get(reverse("admin:raci_reminderrun_change", args=[held.pk])).status_code == 200


@pytest.mark.django_db
def test_a_sweep_writes_every_timestamp_from_its_clock_not_the_wall_clock(chased, admin_user, settings, mailoutbox):
    """Held run, release used, run, rows, claims, sends: all at the ``now`` given (plus the
    run's own elapsed time), years before the wall clock."""
    held_at = datetime(2021, 3, 4, 9, 30, tzinfo=UTC)
    ran_at = held_at + timedelta(hours=1)
    settings.TANDEM_REMINDER_MAX_RECIPIENTS = 1
    held = sweep(now=held_at)
    assert held.held
    release_held_run(actor=admin_user, run=held.run)  # the administrator's own time: released_at
    result = sweep(now=ran_at)
    assert not result.held and len(mailoutbox) == 3  # the note to the administrator, then two digests

    def written_at(row, name: str) -> datetime:
        value = getattr(row, name)
        assert value is not None, f"{type(row).__name__}.{name} was not written"
        return value

    held_run, run = ReminderRun.objects.get(pk=held.run.pk), ReminderRun.objects.get(pk=result.run.pk)
    assert held_at <= written_at(held_run, "started_at") == written_at(held_run, "finished_at") < ran_at
    assert ran_at <= written_at(held_run, "release_used_at") <= written_at(run, "started_at")
    rows = list(Reminder.objects.all())
    assert len(rows) == 2 and {r.period_start for r in rows} == {period_start(ran_at)}
    times = [written_at(run, "started_at"), *(written_at(r, "created_at") for r in rows)]
    times += [written_at(r, "claimed_at") for r in rows] + [written_at(r, "sent_at") for r in rows]
    times += [written_at(run, "finished_at")]
    assert times == sorted(times), "the run's clock moves forward"
    assert ran_at <= times[0] and times[-1] < ran_at + timedelta(seconds=30)
    # No other date-time column holds anything else (released_at is the administrator's own
    # time; period_start, checked above, is the start of the clock's period).
    for model, instances in ((ReminderRun, [held_run, run]), (Reminder, rows)):
        for column in (f.name for f in model._meta.fields if isinstance(f, DateTimeField)):
            for instance in instances:
                value = getattr(instance, column)
                if value is not None and column not in ("released_at", "period_start"):
                    assert held_at <= value < ran_at + timedelta(seconds=30), (model.__name__, column, value)


@pytest.mark.django_db
def test_a_failed_send_is_released_and_retried_by_the_next_run(chased, owner, mailoutbox, monkeypatch):
    real = reminder_mail.digest_message

    def failing(digest):
        if digest.recipient == owner:
            raise OSError("mail server down")
        return real(digest)

    monkeypatch.setattr(reminder_mail, "digest_message", failing)
    result = sweep()
    assert result.failures == 1 and len(mailoutbox) == 1
    failed = Reminder.objects.get(recipient=owner)
    assert failed.sent_at is None and failed.claimed_at is None and "mail server down" in failed.last_error
    monkeypatch.setattr(reminder_mail, "digest_message", real)
    sweep(now=timezone.now() + timedelta(minutes=10))
    assert [m.to for m in mailoutbox][-1] == [owner.email]
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_a_fresh_claim_by_another_run_is_left_alone_and_a_stale_one_is_taken_over(chased, owner, mailoutbox, settings):
    now = timezone.now()
    period = period_start(now)
    for person in (owner, chased.project.it_lead):
        Reminder.objects.create(
            step=chased, recipient=person, period_start=period, reason="owner", claimed_at=now, claim_token="other"
        )
    sweep(now=now + timedelta(seconds=5))
    assert mailoutbox == []  # the other run is still sending them
    settings.TANDEM_REMINDER_CLAIM_TIMEOUT_SECONDS = 60
    sweep(now=now + timedelta(minutes=5))  # that worker died: its claims are stale
    assert len(mailoutbox) == 2
    assert Reminder.objects.filter(sent_at__isnull=False, attempts=1).count() == 2


@pytest.mark.django_db(transaction=True)
def test_removing_an_accountable_enqueues_a_reminder_after_commit_only(project, owner, monkeypatch):
    step = project.steps.get(number=3)
    assign(step, owner, Role.ACCOUNTABLE)
    step.status = StepStatus.IN_PROGRESS
    step.started_at = timezone.now()
    step.save()
    enqueued = []
    monkeypatch.setattr(tasks.remind_project, "delay", lambda project_id: enqueued.append(project_id))

    with pytest.raises(RuntimeError), transaction.atomic():
        matrix_save(actor=owner, project=project, rows={owner.pk: {step.pk: "R"}})
        assert enqueued == []  # not before the commit
        raise RuntimeError("roll it back")
    assert enqueued == []

    matrix_save(actor=owner, project=project, rows={owner.pk: {step.pk: "R"}})
    assert enqueued == [project.pk]


@pytest.mark.django_db
def test_remind_project_task_chases_only_that_project(chased, project, mailoutbox):
    other = ProjectFactory.create(name="Other")
    start(other.steps.get(number=1), other.owner)
    tasks.remind_project(project.pk)
    assert {m.to[0] for m in mailoutbox} == {project.owner.email, project.it_lead.email}
    assert "Other" not in "".join(m.body for m in mailoutbox)


@pytest.mark.django_db
def test_send_reminders_dry_run_prints_and_sends_nothing(chased, owner, capsys, mailoutbox):
    call_command("send_reminders", "--dry-run")
    out = capsys.readouterr().out
    assert f"Would send to {owner.display_name} <{owner.email}>: Customer data platform step 2" in out
    assert mailoutbox == [] and Reminder.objects.count() == 0
    call_command("send_reminders")
    assert "Sent to" in capsys.readouterr().out and len(mailoutbox) == 2


@pytest.mark.django_db
def test_project_page_lists_reminders_sent(client, chased, project, owner):
    sweep()
    client.force_login(owner)
    response = client.get(project.get_absolute_url())
    sent = response.context["reminders"]
    assert {s.recipient for s in sent} == {owner, project.it_lead}
    assert all([step.number for step in s.steps] == [2] for s in sent)
    assert "Reminders sent" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("projects", [3, 30])
def test_sweep_queries_do_not_grow_with_projects(projects, django_assert_max_num_queries, mailoutbox):
    owner = UserFactory(department=Department.MARKETING_OPS)
    it_lead = UserFactory(department=Department.IT)
    for i in range(projects):
        project = ProjectFactory.create(owner=owner, it_lead=it_lead, name=f"P{i}")
        start(project.steps.get(number=1), owner)
    with django_assert_max_num_queries(16):
        result = sweep()
    assert result.steps_found == projects and len(mailoutbox) == 2
