"""Opening rounds, answering them, and every kind of bad input."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from alignment.models import AlignmentRound, Dimension, RoundAnswer, RoundDimension, RoundInvitation
from alignment.services import round_open
from alignment.tests.factories import KEYS, answer, close, people, questionnaire
from conftest import UserFactory
from governance.models import Department

pytestmark = pytest.mark.usefixtures("questionnaire")
__all__ = ["questionnaire"]


def form_data(round_: AlignmentRound, levels: list[int], comments: dict[str, str] | None = None) -> dict:
    comments = comments or {}
    data = {}
    for d in RoundDimension.objects.filter(round=round_):
        data[f"level_{d.pk}"] = str(levels[KEYS.index(d.key)])
        data[f"comment_{d.pk}"] = comments.get(d.key, "")
    return data


@pytest.fixture
def org_round(executive, it_lead, owner):
    invitees = [it_lead, owner, *people(Department.MARKETING, 2), *people(Department.IT, 2)]
    return round_open(
        actor=executive, title="Q1", closes_on=timezone.localdate() + timedelta(days=7), invitees=invitees
    )


def test_executive_opens_an_organization_round_through_the_form(client, executive, it_lead, owner):
    client.force_login(executive)
    response = client.post(
        reverse("alignment:round_new"),
        {
            "title": "Q2 check",
            "closes_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "invitees": [it_lead.pk, owner.pk],
        },
        follow=True,
    )
    round_ = AlignmentRound.objects.get(title="Q2 check")
    assert round_.project is None and round_.opened_by == executive
    assert set(round_.invitations.values_list("user_id", flat=True)) == {it_lead.pk, owner.pk}
    assert "Round opened: 2 people invited." in response.content.decode()


def test_round_keeps_the_wording_its_respondents_saw(org_round):
    dimension = Dimension.objects.get(key="communication")
    dimension.name = "Renamed later"
    dimension.save()
    dimension.levels.filter(level=5).update(description="Changed")
    kept = org_round.dimensions.get(key="communication")
    assert kept.name == "Communication lines and liaisons"
    assert kept.levels[4] == "Liaisons are part of both teams; information flows before anyone asks."
    assert org_round.dimensions.count() == 8


def test_a_round_needs_both_sides_and_a_future_date(client, executive, owner, member):
    client.force_login(executive)
    response = client.post(
        reverse("alignment:round_new"),
        {
            "title": "One-sided",
            "closes_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "invitees": [owner.pk, member.pk],
        },
    )
    page = response.content.decode()
    assert "The closing date cannot be in the past." in page
    assert not AlignmentRound.objects.exists()
    response = client.post(
        reverse("alignment:round_new"),
        {"title": "One-sided", "closes_on": timezone.localdate().isoformat(), "invitees": [owner.pk, member.pk]},
    )
    assert "Invite people from both sides" in response.content.decode()
    assert not AlignmentRound.objects.exists()


def test_only_executives_and_administrators_open_organization_rounds(client, owner, admin_user):
    client.force_login(owner)
    assert client.get(reverse("alignment:round_new")).status_code == 403
    client.force_login(admin_user)
    assert client.get(reverse("alignment:round_new")).status_code == 200


def test_project_round_invites_only_members(client, owner, it_lead, member, outsider, project):
    client.force_login(owner)
    url = reverse("alignment:project_round_new", kwargs={"slug": project.slug})
    response = client.get(url)
    offered = {c.data["value"].value for c in response.context["form"]["invitees"]}
    assert offered == {owner.pk, it_lead.pk, member.pk}
    response = client.post(
        url,
        {"title": "P", "closes_on": timezone.localdate().isoformat(), "invitees": [owner.pk, it_lead.pk, outsider.pk]},
    )
    assert "Select a valid choice" in response.content.decode()
    response = client.post(
        url,
        {"title": "P", "closes_on": timezone.localdate().isoformat(), "invitees": [owner.pk, it_lead.pk]},
        follow=True,
    )
    round_ = AlignmentRound.objects.get(project=project)
    assert response.redirect_chain[-1][0] == reverse("alignment:round", args=[round_.pk])


def test_invitee_answers_and_the_side_is_snapshotted(client, it_lead, org_round):
    client.force_login(it_lead)
    response = client.post(
        reverse("alignment:answer", args=[org_round.pk]),
        form_data(org_round, [2] * 8, {"vision": "More often"}),
        follow=True,
    )
    assert "Thank you: your answers are recorded." in response.content.decode()
    invitation = RoundInvitation.objects.get(round=org_round, user=it_lead)
    assert invitation.side == "it" and invitation.answered_at is not None
    assert sorted(invitation.answers.values_list("level", flat=True)) == [2] * 8
    it_lead.department = Department.MARKETING
    it_lead.save()
    client.post(reverse("alignment:answer", args=[org_round.pk]), form_data(org_round, [3] * 8))
    invitation.refresh_from_db()
    assert invitation.side == "it"  # the snapshot stays


def test_answering_twice_the_same_changes_nothing_and_says_so(client, it_lead, org_round):
    client.force_login(it_lead)
    url = reverse("alignment:answer", args=[org_round.pk])
    client.post(url, form_data(org_round, [2] * 8))
    before = list(RoundAnswer.objects.order_by("pk").values_list("pk", "level", "comment"))
    answered_at = RoundInvitation.objects.get(user=it_lead).answered_at
    response = client.post(url, form_data(org_round, [2] * 8), follow=True)
    assert "You had already given exactly these answers; nothing changed." in response.content.decode()
    assert list(RoundAnswer.objects.order_by("pk").values_list("pk", "level", "comment")) == before
    assert RoundInvitation.objects.get(user=it_lead).answered_at == answered_at


def test_answers_can_be_changed_until_the_round_closes(client, it_lead, org_round):
    client.force_login(it_lead)
    url = reverse("alignment:answer", args=[org_round.pk])
    client.post(url, form_data(org_round, [2] * 8))
    response = client.post(url, form_data(org_round, [2, 2, 2, 2, 2, 2, 5, 2]), follow=True)
    assert "Your answers are updated (1 changed)." in response.content.decode()
    assert RoundAnswer.objects.count() == 8
    assert RoundAnswer.objects.get(dimension__key="strategy").level == 5
    form = client.get(url).context["form"]
    assert form["level_" + str(org_round.dimensions.get(key="strategy").pk)].value() == "5"


def test_answering_after_closing_is_refused_and_changes_nothing(client, it_lead, org_round):
    client.force_login(it_lead)
    url = reverse("alignment:answer", args=[org_round.pk])
    client.post(url, form_data(org_round, [2] * 8))
    close(org_round)
    response = client.post(url, form_data(org_round, [5] * 8), follow=True)
    assert "This round has closed; answers can no longer be given or changed." in response.content.decode()
    assert set(RoundAnswer.objects.values_list("level", flat=True)) == {2}


def test_answering_without_an_invitation_is_refused(client, executive, org_round):
    client.force_login(executive)  # opened the round, was not invited
    response = client.post(reverse("alignment:answer", args=[org_round.pk]), form_data(org_round, [5] * 8))
    assert response.status_code == 403
    assert "You were not invited to this round" in response.content.decode()
    assert not RoundAnswer.objects.exists()


def test_missing_or_invalid_levels_keep_the_choices_and_save_nothing(client, it_lead, org_round):
    client.force_login(it_lead)
    data = form_data(org_round, [3] * 8, {"roles": "Typed before the error"})
    data.pop(f"level_{org_round.dimensions.get(key='support').pk}")
    data[f"level_{org_round.dimensions.get(key='vision').pk}"] = "9"
    response = client.post(reverse("alignment:answer", args=[org_round.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was recorded: answer every dimension" in page
    assert "Choose the level that fits best." in page and "Select a valid choice" in page
    assert "Typed before the error" in page
    assert not RoundAnswer.objects.exists()


def test_database_refuses_two_answers_to_one_dimension(it_lead, org_round):
    answer(org_round, it_lead, [3] * 8)
    existing = RoundAnswer.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoundAnswer.objects.create(invitation=existing.invitation, dimension=existing.dimension, level=4)


def test_database_refuses_a_level_off_the_scale(it_lead, org_round):
    answer(org_round, it_lead, [3] * 8)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoundAnswer.objects.filter(pk=RoundAnswer.objects.first().pk).update(level=6)


def test_closing_a_round_shows_its_results(client, executive, org_round):
    client.force_login(executive)
    response = client.post(reverse("alignment:close", args=[org_round.pk]), follow=True)
    assert "Round closed" in response.content.decode()
    org_round.refresh_from_db()
    assert not org_round.is_open
    response = client.post(reverse("alignment:close", args=[org_round.pk]), follow=True)
    assert "This round is already closed." in response.content.decode()


def test_invitee_cannot_close_a_round(client, it_lead, org_round):
    client.force_login(it_lead)
    assert client.post(reverse("alignment:close", args=[org_round.pk])).status_code == 403
    org_round.refresh_from_db()
    assert org_round.is_open


def test_home_shows_rounds_waiting_for_the_user(client, it_lead, org_round):
    client.force_login(it_lead)
    page = client.get(reverse("home")).content.decode()
    assert "Alignment rounds waiting for your answers" in page
    assert reverse("alignment:answer", args=[org_round.pk]) in page
    answer(org_round, it_lead, [3] * 8)
    assert reverse("alignment:answer", args=[org_round.pk]) not in client.get(reverse("home")).content.decode()


def test_waiting_rounds_leave_out_closed_ones(client, it_lead, org_round):
    close(org_round)
    client.force_login(it_lead)
    assert reverse("alignment:answer", args=[org_round.pk]) not in client.get(reverse("home")).content.decode()
    assert "No open round is waiting for you." in client.get(reverse("alignment:index")).content.decode()


def test_inactive_people_are_not_invited(executive, it_lead, owner):
    gone = UserFactory(department=Department.IT, is_active=False)
    with pytest.raises(Exception, match="Only active people"):
        round_open(actor=executive, title="X", closes_on=timezone.localdate(), invitees=[it_lead, owner, gone])


def test_an_open_round_is_extended_and_takes_answers_until_the_new_date(executive, it_lead, org_round):
    from alignment.services import end_of_day, round_extend

    later = timezone.localdate() + timedelta(days=20)
    round_extend(actor=executive, round_=org_round, closes_on=later)
    assert AlignmentRound.objects.get(pk=org_round.pk).closes_at == end_of_day(later)
    answer(org_round, it_lead, [3] * 8)
    assert RoundAnswer.objects.count() == 8


def test_a_closed_round_cannot_be_extended_nor_answered(executive, it_lead, org_round):
    from django.core.exceptions import ValidationError

    from alignment.services import round_extend

    close(org_round)
    closed_at = org_round.closes_at
    with pytest.raises(ValidationError, match="This round has closed: it is final"):
        round_extend(actor=executive, round_=org_round, closes_on=timezone.localdate() + timedelta(days=20))
    assert AlignmentRound.objects.get(pk=org_round.pk).closes_at == closed_at
    with pytest.raises(ValidationError, match="This round has closed"):
        answer(org_round, it_lead, [3] * 8)
    assert not RoundAnswer.objects.exists()


def test_an_extension_moves_the_closing_date_later(executive, org_round):
    from django.core.exceptions import ValidationError

    from alignment.services import round_extend

    with pytest.raises(ValidationError, match="later than it is"):
        round_extend(actor=executive, round_=org_round, closes_on=timezone.localdate() + timedelta(days=7))


def test_an_invitee_cannot_extend_a_round(it_lead, org_round):
    from django.core.exceptions import PermissionDenied

    from alignment.services import round_extend

    with pytest.raises(PermissionDenied):
        round_extend(actor=it_lead, round_=org_round, closes_on=timezone.localdate() + timedelta(days=20))


def test_answers_have_no_admin_and_invitations_are_read_only_there(client, admin_user, it_lead, org_round):
    """After close nothing changes: the admin cannot add or edit answers or invitations."""
    answer(org_round, it_lead, [3] * 8)
    close(org_round)
    client.force_login(admin_user)
    assert client.get("/admin/alignment/roundanswer/").status_code == 404
    invitation = RoundInvitation.objects.get(round=org_round, user=it_lead)
    page = client.get(reverse("admin:alignment_roundinvitation_change", args=[invitation.pk])).content.decode()
    assert 'name="answered_at' not in page and 'name="user"' not in page
    assert client.get(reverse("admin:alignment_roundinvitation_add")).status_code == 403


@override_settings(TIME_ZONE="America/New_York")  # behind UTC: the end of 9999-12-31 overflowed, a 500
def test_a_closing_date_beyond_two_years_is_refused_with_a_message(client, executive, it_lead, owner, org_round):
    from django.core.exceptions import ValidationError

    from alignment.services import round_extend

    client.force_login(executive)
    data = {"title": "Far", "closes_on": "9999-12-31", "invitees": [it_lead.pk, owner.pk]}
    response = client.post(reverse("alignment:round_new"), data)
    assert response.status_code == 200 and "A round closes within 2 years" in response.content.decode()
    assert AlignmentRound.objects.count() == 1
    with pytest.raises(ValidationError, match="within 2 years"):
        round_extend(actor=executive, round_=org_round, closes_on=timezone.localdate() + timedelta(days=800))


@pytest.mark.parametrize("bad", [str(2**63 + 1), "9" * 400, "-1", "1.5", "x\x00"])
def test_an_invitee_id_that_cannot_be_an_id_is_a_form_error(client, executive, it_lead, bad):
    client.force_login(executive)
    data = {"title": "Odd", "closes_on": f"{timezone.localdate():%Y-%m-%d}", "invitees": [it_lead.pk, bad]}
    response = client.post(reverse("alignment:round_new"), data)
    assert response.status_code == 200 and "Choose people from the list" in response.content.decode()
    assert not AlignmentRound.objects.exists()


def test_the_round_page_extends_an_open_round_and_refuses_a_closed_one(client, executive, org_round):
    client.force_login(executive)
    later = timezone.localdate() + timedelta(days=20)
    page = client.get(reverse("alignment:round", args=[org_round.pk])).content.decode()
    assert 'data-testid="extend"' in page
    response = client.post(reverse("alignment:extend", args=[org_round.pk]), {"closes_on": f"{later:%Y-%m-%d}"})
    assert response.status_code == 302
    assert timezone.localdate(AlignmentRound.objects.get(pk=org_round.pk).closes_at) == later
    close(org_round)
    response = client.post(
        reverse("alignment:extend", args=[org_round.pk]), {"closes_on": f"{later:%Y-%m-%d}"}, follow=True
    )
    assert "This round has closed: it is final and can no longer be extended." in response.content.decode()
    assert not AlignmentRound.objects.get(pk=org_round.pk).is_open
    assert 'data-testid="extend"' not in response.content.decode()
