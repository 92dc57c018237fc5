"""The personal calendar feed: a person's dates in Tandem as an iCalendar file at a secret URL.

Sits beside ``api`` and ``integrations`` at the top of the layers: it reads every app's
dates through ``projects.registry.calendar_events`` and adds the steps a person is
Accountable or Responsible for as its own source (``calendars.apps``).
"""
