"""Signals ``projects`` sends for the apps above it (which it never imports).

``project_finished`` is sent once a project's status became *done* and the
change committed (``services.project_update`` sends it through
``transaction.on_commit``), with ``project`` (the saved project) and ``actor``
(who finished it). A receiver acts on a fact that happened: a save that rolls
back never announces anything, and a receiver's failure (logged, since the
send is robust) never undoes finishing the project. Receivers must be
idempotent: a project may be reopened and finished again.
"""

import django.dispatch

project_finished = django.dispatch.Signal()
