"""Deactivating a person, and what they leave without an owner.

An inactive person holds no Accountable or Responsible role that counts (the
RACI rules in ``raci.services``), so deactivating someone can leave steps
unowned. Admin (``governance.admin``) and ``manage.py deactivate_user`` both
deactivate through here and list those steps. This module sits at the
organization layer and knows no app above it: the apps that hold roles answer
``user_deactivated`` (``raci`` does, in ``raci.apps``).
"""

from django.dispatch import Signal

from governance.models import User

# Asked after a person is deactivated; each receiver returns the lines naming
# what that person leaves without an owner ("Project: step 5, Choose a vendor").
user_deactivated = Signal()


def left_unowned(user: User) -> list[str]:
    """What ``user`` (deactivated) leaves without an owner, one line each."""
    lines: list[str] = []
    for _receiver, answer in user_deactivated.send(sender=User, user=user):
        lines.extend(answer or [])
    return lines


def deactivate(user: User) -> list[str]:
    """Deactivate ``user`` (a no-op when already inactive) and return what they
    leave without an owner."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    return left_unowned(user)


def summary(user: User, lines: list[str]) -> str:
    """One sentence for an administrator: who was deactivated and what lost its owner."""
    if not lines:
        return f"{user.display_name} is deactivated; no open step loses its Accountable person."
    return (
        f"{user.display_name} is deactivated; {len(lines)} open step{'s' if len(lines) != 1 else ''} "
        f"lose{'' if len(lines) != 1 else 's'} {'their' if len(lines) != 1 else 'its'} Accountable person "
        f"(assign someone in each project's RACI matrix): {'; '.join(lines)}."
    )
