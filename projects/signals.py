"""Signals the domain services send for the apps above them (which they never import).

Two kinds:

``project_finished`` is sent once a project's status became *done* and the
change committed (``services.project_update`` sends it through
``transaction.on_commit``), with ``project`` (the saved project) and ``actor``
(who finished it). A receiver acts on a fact that happened: a save that rolls
back never announces anything, and a receiver's failure (logged, since the
send is robust) never undoes finishing the project. Receivers must be
idempotent: a project may be reopened and finished again.

The **domain events** below are sent *inside* the writing transaction, right
after the change is saved, with ``send`` (not ``send_robust``). A receiver
records what it needs (an outbox row, a digest item, an acknowledgement to ask
for) in the same transaction, so the record commits or rolls back with the
change: nothing is announced for a write that failed, and nothing is lost for
one that committed. A receiver must therefore only write to the database;
anything outside it (e-mail, HTTP, a Celery task) goes through
``transaction.on_commit``. Every event carries ``actor`` (who made the change).

* ``step_status_changed``: ``step``, ``old_status``, ``new_status``,
  ``transition`` (``raci.transitions.Transition``), ``reason`` (the block
  reason, or ""); from ``raci.services.step_transition``.
* ``accountable_changed``: ``step``, ``old_user_id``, ``new_user_id`` (either
  may be ``None``); once per step whose Accountable person changed in a matrix
  save (``raci.services.matrix_save``, which the framework apply and intake
  approval also go through).
* ``vendor_decided``: ``project``, ``decision`` (``scorecards.models.Decision``);
  when a vendor decision is recorded (``scorecards.services``).
* ``round_closed``: ``round`` (``alignment.models.AlignmentRound``),
  ``project`` (or ``None`` for an organization round); when a round is closed
  by hand (``alignment.services.round_close``). Rounds that lapse at their
  closing time send nothing: a receiver that cares looks for them.
* ``intake_decided``: ``request`` (``intake.models.IntakeRequest``), ``state``
  (approved or rejected), ``project`` (the created project, or ``None``).
"""

import django.dispatch

project_finished = django.dispatch.Signal()

step_status_changed = django.dispatch.Signal()
accountable_changed = django.dispatch.Signal()
vendor_decided = django.dispatch.Signal()
round_closed = django.dispatch.Signal()
intake_decided = django.dispatch.Signal()
