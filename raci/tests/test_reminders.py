import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import DateTimeField, QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from conftest import ProjectFactory, UserFactory, assign
from governance.models import Department
from projects.models import Project, ProjectStatus, StepStatus
from raci import reminder_mail, reminder_optout, reminder_sweep, tasks
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
    assert "Or change it in your preferences: http://" in body and body.rstrip().count("/preferences/") == 1
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


def _sweep_queries(projects: int) -> tuple[int, object]:
    """A sweep's queries with ``projects`` chased projects of two people (a fresh period)."""
    Reminder.objects.all().delete()
    owner = UserFactory(department=Department.MARKETING_OPS)
    it_lead = UserFactory(department=Department.IT)
    for i in range(projects):
        project = ProjectFactory.create(owner=owner, it_lead=it_lead, name=f"P{projects}-{i}")
        start(project.steps.get(number=1), owner)
    with CaptureQueriesContext(connection) as queries:
        result = sweep()
    return len(queries), result


@pytest.mark.django_db
def test_sweep_queries_do_not_grow_with_projects(mailoutbox):
    """16 + the going-it-alone projects of the sponsors, + a fixed handful for the digest's
    extras (raci.reminder_extras) and each registered section's reads per recipient."""
    few, result = _sweep_queries(3)
    assert result.steps_found == 3 and len(mailoutbox) == 2
    Project.objects.update(status=ProjectStatus.ON_HOLD)  # the first three are no longer chased
    many, result = _sweep_queries(30)
    assert result.steps_found == 30 and len(mailoutbox) == 4
    assert many == few


# --- The digest: opt-out, links, overdue -------------------------------------------------


@pytest.mark.django_db
def test_every_digest_has_a_one_click_opt_out_link_and_list_unsubscribe_headers(chased, owner, mailoutbox, settings):
    settings.SITE_URL = "https://tandem.example.com"
    sweep()
    to_owner = next(m for m in mailoutbox if m.to == [owner.email])
    link = reminder_optout.url_for(owner)
    assert link.startswith("https://tandem.example.com/reminders/off/")
    assert to_owner.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert to_owner.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Turn these reminders off (one click, no login): {link}" in to_owner.body
    assert f'href="{link}"' in to_owner.alternatives[0][0]
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in to_owner.message().as_string()


@pytest.mark.django_db
def test_every_link_in_a_digest_is_built_from_the_configured_site_url(chased, project, owner, mailoutbox, settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    sweep()
    body = next(m for m in mailoutbox if m.to == [owner.email]).body
    links = [word for word in body.split() if "://" in word]
    assert len(links) == 3 and all(link.startswith("http://127.0.0.1:8123/") for link in links)
    assert f"http://127.0.0.1:8123/projects/{project.slug}/raci/" in links


def test_make_run_points_e_mail_links_at_the_port_it_serves():
    dry = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    ).stdout
    honcho = next(line for line in dry.splitlines() if "honcho start" in line)
    assert "PORT=8123" in honcho and "TANDEM_SITE_URL=http://127.0.0.1:8123" in honcho


@pytest.mark.django_db
def test_opening_the_opt_out_link_asks_first_and_changes_nothing(chased, owner, client):
    response = client.get(reminder_optout.url_for(owner))  # not logged in
    assert response.status_code == 200
    assert "Turn reminders off?" in response.content.decode() and 'method="post"' in response.content.decode()
    owner.refresh_from_db()
    assert owner.reminders_enabled


@pytest.mark.django_db
def test_a_one_click_post_turns_reminders_off_without_login_or_csrf_token(chased, owner, it_lead, mailoutbox):
    mail_program = Client(enforce_csrf_checks=True)  # RFC 8058: no cookie, no token
    response = mail_program.post(reminder_optout.url_for(owner), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "Reminders are off" in response.content.decode()
    owner.refresh_from_db()
    it_lead.refresh_from_db()
    assert not owner.reminders_enabled and it_lead.reminders_enabled
    sweep()
    assert [m.to for m in mailoutbox] == [[it_lead.email]]


@pytest.mark.django_db
@pytest.mark.parametrize("forge", ["tampered", "other purpose", "garbage"])
def test_an_opt_out_link_that_was_not_signed_for_this_is_refused(owner, client, forge):
    token = {
        "tampered": reminder_optout.token_for(owner)[:-2] + "xx",
        "other purpose": signing.dumps(owner.pk),  # the same secret, another salt
        "garbage": "not-a-token",
    }[forge]
    response = client.post(reverse("raci:reminders_off", kwargs={"token": token}))
    assert response.status_code == 404
    owner.refresh_from_db()
    assert owner.reminders_enabled


@pytest.mark.django_db
def test_a_not_started_step_past_its_due_date_is_called_overdue(project, owner, mailoutbox):
    now = timezone.now()
    project.steps.filter(number=3).update(due_date=timezone.localdate(now) - timedelta(days=2))
    project.steps.filter(number=4).update(due_date=timezone.localdate(now) + timedelta(days=2))
    sweep(now=now)
    to_owner = next(m for m in mailoutbox if m.to == [owner.email])
    lines = {line.strip().split(",")[0]: line for line in to_owner.body.splitlines() if "- Step " in line}
    assert "OVERDUE" in lines["- Step 3"] and "Not started" in lines["- Step 3"]
    assert "OVERDUE" not in lines["- Step 4"]
    assert "overdue</strong>" in to_owner.alternatives[0][0]


# --- A database that goes away during a sweep ------------------------------------------------


@pytest.fixture
def flaky_marking(monkeypatch):
    """Marking rows sent fails with a lost connection ``failures[recipient email]``
    times (or always, for ``None``), as a PostgreSQL restart makes it fail; retries
    do not sleep."""
    failures: dict[str, int | None] = {}
    real_update = QuerySet.update
    monkeypatch.setattr(reminder_sweep.time, "sleep", lambda seconds: None)

    def update(self, **values):
        if self.model is Reminder and "sent_at" in values:
            email = self.values_list("recipient__email", flat=True).first()
            if email in failures and (failures[email] is None or failures[email] > 0):
                if failures[email] is not None:
                    failures[email] -= 1
                raise OperationalError("server closed the connection unexpectedly")
        return real_update(self, **values)

    monkeypatch.setattr(QuerySet, "update", update)
    return failures


@pytest.mark.django_db
def test_a_database_failure_right_after_a_send_is_retried_and_recorded_once(chased, owner, mailoutbox, flaky_marking):
    flaky_marking[owner.email] = 3
    result = sweep()
    assert len(mailoutbox) == 2 and result.failures == 0
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 2
    assert result.run.status == ReminderRunStatus.FINISHED and result.run.emails_sent == 2
    sweep(now=timezone.now() + timedelta(hours=1))
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_a_send_whose_marking_gives_up_is_never_sent_again_and_the_run_carries_on(
    chased, owner, it_lead, mailoutbox, flaky_marking, settings
):
    settings.TANDEM_REMINDER_DB_RETRY_SECONDS = 0
    flaky_marking[owner.email] = None  # the database never comes back for this one
    now = timezone.now()
    result = sweep(now=now)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([owner.email, it_lead.email])  # the next digest went out
    assert result.run.status == ReminderRunStatus.FINISHED and result.failures == 1
    unrecorded = Reminder.objects.get(recipient=owner)
    assert unrecorded.sent_at is None and unrecorded.send_started_at is not None
    flaky_marking.clear()
    settings.TANDEM_REMINDER_CLAIM_TIMEOUT_SECONDS = 60
    sweep(now=now + timedelta(minutes=5))  # its claim is stale: still not sent again
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_a_database_away_before_a_send_sends_nothing_and_a_later_run_sends_it(
    chased, owner, mailoutbox, monkeypatch, settings
):
    settings.TANDEM_REMINDER_DB_RETRY_SECONDS = 0
    real_update = QuerySet.update

    def down(self, **values):
        if self.model is Reminder and "send_started_at" in values:
            raise InterfaceError("connection already closed")
        return real_update(self, **values)

    monkeypatch.setattr(QuerySet, "update", down)
    now = timezone.now()
    first = sweep(now=now)
    assert mailoutbox == [] and first.failures == 1  # stopped at the first digest
    monkeypatch.setattr(QuerySet, "update", real_update)
    settings.TANDEM_REMINDER_CLAIM_TIMEOUT_SECONDS = 60
    sweep(now=now + timedelta(minutes=5))
    assert len(mailoutbox) == 2 and Reminder.objects.filter(sent_at__isnull=False).count() == 2


class Killed(BaseException):
    """The worker stopped (SIGKILL) right after the run created its rows."""


@pytest.mark.django_db
def test_rows_a_killed_run_created_are_its_claim_and_are_sent_once_after_the_claim_timeout(
    chased, owner, mailoutbox, monkeypatch, settings
):
    """A run creates its rows already claimed: killed before sending, its claim holds
    until it goes stale, then the next run takes the rows over and sends each once."""

    def killed(*args, **kwargs):
        raise Killed

    real = reminder_sweep._send_all
    monkeypatch.setattr(reminder_sweep, "_send_all", killed)
    now = timezone.now()
    with pytest.raises(Killed):
        sweep(now=now)
    rows = list(Reminder.objects.all())
    assert len(rows) == 2 and all(r.claim_token and r.claimed_at and r.attempts == 1 for r in rows)
    monkeypatch.setattr(reminder_sweep, "_send_all", real)
    settings.TANDEM_REMINDER_CLAIM_TIMEOUT_SECONDS = 60
    sweep(now=now + timedelta(seconds=30))  # the claim is fresh: the killed run may still be sending
    assert mailoutbox == []
    sweep(now=now + timedelta(minutes=5))
    sweep(now=now + timedelta(minutes=6))
    assert sorted(m.to[0] for m in mailoutbox) == sorted([owner.email, chased.project.it_lead.email])
    assert Reminder.objects.filter(sent_at__isnull=False, attempts=2).count() == 2


@pytest.mark.django_db
def test_a_run_left_running_by_a_killed_worker_is_marked_abandoned_after_the_claim_timeout(chased, settings):
    settings.TANDEM_REMINDER_CLAIM_TIMEOUT_SECONDS = 60
    now = timezone.now()
    killed = ReminderRun.objects.create(started_at=now - timedelta(minutes=5))
    recent = ReminderRun.objects.create(started_at=now - timedelta(seconds=30))
    sweep(now=now)
    killed.refresh_from_db()
    recent.refresh_from_db()
    assert killed.status == ReminderRunStatus.ABANDONED and killed.finished_at == now
    assert recent.status == ReminderRunStatus.RUNNING  # may still be sending


# --- Celery: ticks, broker outages ------------------------------------------------------------


def test_beat_sweeps_every_few_minutes_so_a_tick_lost_to_a_broker_outage_is_caught_up():
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-unowned-steps"]
    assert entry["schedule"] <= 5 * 60  # was an hour: a lost tick meant an hour's delay
    assert entry["options"]["expires"] == entry["schedule"]  # a stale tick never piles up behind a fresh one


def test_connection_loss_settings_are_chosen_explicitly():
    from governance.celery import app

    assert app.conf.worker_cancel_long_running_tasks_on_connection_loss is False
    assert app.conf.broker_connection_retry_on_startup is True
    assert app.conf.broker_connection_max_retries is None
    assert app.conf.task_publish_retry and app.conf.task_publish_retry_policy["max_retries"] >= 3


@pytest.mark.django_db
def test_a_broker_that_cannot_take_a_project_reminder_does_not_fail_the_committed_save(project, monkeypatch, caplog):
    def broker_down(project_id):
        raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.remind_project, "delay", broker_down)
    tasks.enqueue_project_reminder(project, [])
    assert "the next sweep sends it" in caplog.text


@pytest.mark.django_db
def test_a_long_digest_lists_the_first_steps_overdue_first_and_counts_the_rest(owner, it_lead, mailoutbox, settings):
    settings.TANDEM_DIGEST_MAX_STEPS = 4
    today = timezone.localdate()
    projects = [ProjectFactory.create(owner=owner, it_lead=it_lead, name=f"Project {n}") for n in range(2)]
    for project in projects:
        project.steps.update(due_date=today + timedelta(days=3))
    late = projects[1].steps.get(number=9)
    late.due_date = today - timedelta(days=1)
    late.save()
    sweep()
    message = next(m for m in mailoutbox if m.to == [owner.email])
    assert message.subject.startswith("Tandem: 20 steps need")  # the subject counts every step
    listed = [line for line in message.body.splitlines() if line.startswith("  - Step ")]
    assert len(listed) == 4
    assert "Step 9" in listed[-1] and "OVERDUE" in listed[-1]  # listed although it sorts last: overdue comes first
    assert "… and 16 more steps not listed here" in message.body
    assert settings.SITE_URL + reverse("my_work") in message.body
    assert "and 16 more steps" in message.alternatives[0][0]
    assert Reminder.objects.filter(recipient=owner).count() == 20  # every step is still recorded


@pytest.mark.django_db
def test_a_sponsor_s_digest_names_the_projects_where_one_side_goes_it_alone(it_lead, mailoutbox, user_factory):
    sponsor = user_factory(department=Department.MARKETING, first_name="Sam")
    project = ProjectFactory.create(owner=sponsor, marketing_sponsor=sponsor, it_lead=it_lead, name="Solo launch")
    for number in (1, 2, 3):
        assign(project.steps.get(number=number), sponsor, Role.ACCOUNTABLE)  # no IT person on steps 1-5
    start(project.steps.get(number=6), sponsor)  # chased: the sponsor (as owner) and the IT lead get digests
    other = ProjectFactory.create(owner=sponsor, marketing_sponsor=sponsor, it_lead=it_lead, name="Together")
    assign(other.steps.get(number=1), sponsor, Role.ACCOUNTABLE)
    assign(other.steps.get(number=2), it_lead, Role.CONSULTED)  # both sides take part: not flagged
    sweep()
    to_sponsor = next(m for m in mailoutbox if m.to == [sponsor.email])
    assert "Solo launch: Marketing is going it alone." in to_sponsor.body
    assert "Together:" not in to_sponsor.body
    assert "Marketing is going it alone" in to_sponsor.alternatives[0][0]
    to_it_lead = next(m for m in mailoutbox if m.to == [it_lead.email])
    assert "going it alone" not in to_it_lead.body  # told to the project's sponsors only
