"""Demo data for the duties of the RACI letters (``seed_demo``, idempotent; raci.duties).

The demo matrices were saved by each project's owner, so everyone else made
Accountable was asked to accept. Here most of them have accepted; on "Marketing
automation migration" step 3 Lucas has not yet (awaiting); on "Customer data
platform" Theo declined step 7 (the step is unowned again and the managers are
told), and step 5 (in progress) waits for its consultations: Maya answered with
concerns, Olivia's CIO agreed, Dev has not answered. Finishing the demo steps told
their Informed people, whose items wait for the next digest.
"""

from governance.models import User
from projects.models import LifecycleStep
from raci.duties_services import acknowledgement_accept, acknowledgement_decline, consultation_answer
from raci.models import Acknowledgement, AcknowledgementState, Consultation

CDP = "Customer data platform"
MAM = "Marketing automation migration"


def _step(project: str, number: int) -> LifecycleStep | None:
    return LifecycleStep.objects.filter(project__name=project, number=number).select_related("project").first()


def seed(people: dict[str, User]) -> None:
    declined = _step(CDP, 7)
    if declined is None or Acknowledgement.objects.filter(step=declined, state=AcknowledgementState.DECLINED).exists():
        return
    waiting = _step(MAM, 3)
    for ack in Acknowledgement.objects.filter(state=AcknowledgementState.AWAITING).select_related(
        "step__project", "user"
    ):
        if ack.step_id == declined.pk and ack.user.username == "itlead":
            acknowledgement_decline(
                actor=ack.user,
                acknowledgement=ack,
                reason="I am on the CRM cutover until June; Nora runs the project day to day and should own it.",
            )
        elif waiting is None or ack.step_id != waiting.pk:
            acknowledgement_accept(actor=ack.user, acknowledgement=ack)
    consulted = _step(CDP, 5)
    if consulted is not None and not Consultation.objects.filter(step=consulted).exists():
        consultation_answer(
            actor=people["mops"],
            step=consulted,
            answer="concerns",
            comment="The two finalists differ on consent handling; I want legal to read both contracts first.",
        )
        consultation_answer(actor=people["cio"], step=consulted, answer="agree")
