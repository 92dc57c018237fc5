"""Forms for subscriptions and chat channels; the services validate again (URL rules, events)."""

from django import forms

from integrations import selectors
from integrations.models import ChatKind, Event
from projects.access import is_administrator

ORGANIZATION = "Every project (organization-wide)"


class _ScopeMixin:
    def _add_scope(self, user, *, editing: bool) -> None:
        if editing:
            return
        admin = is_administrator(user)
        self.fields["project"] = forms.ModelChoiceField(
            queryset=selectors.manageable_projects(user).order_by("name"),
            required=not admin,
            empty_label=ORGANIZATION if admin else "Choose a project",
            help_text="The project whose events are sent."
            + (" Leave on “every project” for the whole organization." if admin else ""),
        )
        self.order_fields(["project"])


class SubscriptionForm(_ScopeMixin, forms.Form):
    url = forms.URLField(
        label="URL", max_length=500, assume_scheme="https", help_text="An http(s) address on the public internet."
    )
    events = forms.MultipleChoiceField(choices=Event.choices, widget=forms.CheckboxSelectMultiple)
    description = forms.CharField(max_length=200, required=False, help_text="What receives these events (optional).")

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_scope(user, editing=editing)
        if editing:
            self.fields["is_active"] = forms.BooleanField(
                label="Active", required=False, help_text="Turning it on again clears its failure count."
            )


class ChannelForm(_ScopeMixin, forms.Form):
    kind = forms.ChoiceField(label="Chat", choices=ChatKind.choices)
    name = forms.CharField(max_length=100, help_text="Which channel this is, e.g. #cdp-project.")
    url = forms.URLField(
        label="Incoming webhook URL",
        max_length=500,
        assume_scheme="https",
        help_text="From Slack's “Incoming Webhooks” app or a Teams channel's Workflows “Post to a channel "
        "when a webhook request is received”.",
    )
    events = forms.MultipleChoiceField(choices=Event.choices, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_scope(user, editing=editing)
        if editing:
            del self.fields["kind"]
            self.fields["is_active"] = forms.BooleanField(
                label="Active", required=False, help_text="Turning it on again clears its failure count."
            )
