"""Every URL of the site × every persona → the status each must get.

One row per URL pattern and method (GET, and POST where the URL writes); a
pattern may have several rows (an open and a closed round, an organization and
a project round). The rules the table spells out (``projects.access``):

* anonymous visitors, and people whose account was deactivated, are sent to
  the login page (302) from every page but login, logout and the health probe;
* outsiders get **404** on every URL of a project or of a project's round, and
  on an organization round they were not invited to: it does not exist for them;
* a member who may see but not change gets **403**;
* Django's own admin is checked at its front door (``admin:index``); its other
  URLs are Django's and are not listed.

``test_every_url_pattern_has_a_row`` fails naming any pattern without a row, and
``test_no_page_get_writes`` checks that no GET in the table writes to the
database, whoever asks.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from alignment.defaults import ensure_default_questionnaire
from alignment.models import AlignmentRound, RoundDimension
from alignment.services import answers_submit, round_close, round_open
from calendars import tokens as calendar_tokens
from calendars.models import CalendarFeed
from conftest import UserFactory, assign
from governance.models import Department
from raci import reminder_optout
from raci.models import Role
from scorecards.defaults import ensure_default_criteria
from scorecards.services import candidate_save, ratings_save, scorecard_for

PERSONAS = ("anonymous", "inactive", "outsider", "member", "owner", "it_lead", "executive", "admin_user")
SIGNED_OUT = ("anonymous", "inactive")  # a deactivated account's session no longer logs anyone in
LOGIN = "login"  # 302 to the login page
# Django's admin has its own login and its own tests; only its front door is in the table.
UNLISTED_NAMESPACES = {"admin"}


def signed_in(status, **overrides) -> dict:
    """``status`` for everyone signed in; the login page for everyone else."""
    expected = {p: (LOGIN if p in SIGNED_OUT else status) for p in PERSONAS}
    return {**expected, **overrides}


def viewers(status, **overrides) -> dict:
    """A project's page: ``status`` for whoever may see the project, 404 for an outsider."""
    return signed_in(status, **{"outsider": 404, **overrides})


def managers(status, **overrides) -> dict:
    """A project's change: ``status`` for those who manage it, 403 for a read-only member."""
    return viewers(status, **{"member": 403, **overrides})


def api_status(status, **overrides) -> dict:
    """An API URL: ``status`` for everyone signed in; 401 (not a redirect) for everyone else."""
    return signed_in(status, **{"anonymous": 401, "inactive": 401, **overrides})


def public(status, **overrides) -> dict:
    return {**dict.fromkeys(PERSONAS, status), **overrides}


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    expected: dict
    target: str = ""  # what the URL points at: see World
    params: dict = field(default_factory=dict)  # query (GET) or form data (POST); persona names become their pk
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.name}{f' ({self.label})' if self.label else ''}"


TABLE = [
    # --- The site and the organization -------------------------------------------------
    Row("login", "get", public(302, anonymous=200, inactive=200)),  # signed in: sent on home
    Row("login", "post", public(302, anonymous=200, inactive=200)),  # empty form: re-shown with errors
    Row("logout", "get", signed_in(405)),  # logging out is a POST
    Row("logout", "post", public(LOGIN)),
    Row("health", "get", public(200)),
    # Passwords: changing one's own needs a login; resetting by e-mail is for whoever lost it
    Row("password_change", "get", signed_in(200)),
    Row("password_change", "post", signed_in(200)),  # empty form: re-shown with errors
    Row("password_change_done", "get", signed_in(200)),
    Row("password_reset", "get", public(200)),
    Row("password_reset", "post", public(200)),  # no address: re-shown with errors
    Row("password_reset_done", "get", public(200)),
    Row("password_reset_confirm", "get", public(200), target="reset_link"),  # a forged link: "no longer works"
    Row("password_reset_confirm", "post", public(200), target="reset_link"),
    Row("password_reset_complete", "get", public(200)),
    # a reminder's one-click opt-out: the signed link is the credential (no login, no CSRF)
    Row("raci:reminders_off", "get", public(200), target="reminders_off"),  # asks first
    Row("raci:reminders_off", "post", public(200), target="reminders_off"),  # turns the owner's reminders off
    Row("home", "get", signed_in(200, executive=302)),  # an executive's home is the portfolio
    Row("my_work", "get", signed_in(200)),
    Row("preferences", "get", signed_in(200)),
    Row("preferences", "post", signed_in(302)),  # every field may be blank: saved, back to the page
    Row("admin:index", "get", public(302, admin_user=200)),  # everyone else: the admin's own login
    # --- The portfolio and the project list: only what each may see, so open to all ------
    Row("portfolio", "get", signed_in(200)),
    Row("portfolio_export", "get", signed_in(200), target="csv", label="csv"),
    Row("portfolio_export", "get", signed_in(200), target="xlsx", label="xlsx"),
    Row("portfolio_steps", "get", signed_in(200), target="unowned", label="unowned"),
    Row("portfolio_steps", "get", signed_in(200), target="overdue", label="overdue"),
    Row("project_list", "get", signed_in(200)),
    Row("projects:create", "get", signed_in(200)),
    Row("projects:create", "post", signed_in(200)),  # empty form: re-shown with errors
    # --- A project -----------------------------------------------------------------------
    Row("project_detail", "get", viewers(200), target="project"),
    Row("projects:edit", "get", managers(200), target="project"),
    Row("projects:edit", "post", managers(200), target="project"),  # empty form: re-shown with errors
    Row("projects:step_edit", "get", managers(200), target="step"),
    Row("projects:step_edit", "post", managers(302), target="step"),
    Row("raci:matrix", "get", viewers(200), target="project"),
    Row("raci:matrix", "post", managers(302), target="project"),  # nobody in it: nothing changed
    Row("raci:matrix_row", "get", managers(200), target="project", params={"add": "owner"}),
    # starting step 1 needs an Accountable person: refused with a message, back to the project
    Row("raci:step_transition", "post", managers(302), target="transition"),
    # --- Its scorecard -------------------------------------------------------------------
    Row("scorecards:scorecard", "get", viewers(200), target="project"),
    Row("scorecards:candidate_add", "post", managers(302), target="project"),
    Row("scorecards:candidate_edit", "get", managers(200), target="candidate"),
    Row("scorecards:candidate_edit", "post", managers(200), target="candidate"),  # empty: errors shown
    Row("scorecards:candidate_delete", "get", managers(200), target="candidate"),
    Row("scorecards:candidate_delete", "post", managers(302), target="candidate"),
    # rating is a member's own evidence: never an executive's or an administrator's as such
    Row("scorecards:rate", "get", viewers(200, executive=403, admin_user=403), target="candidate"),
    Row("scorecards:rate", "post", viewers(302, executive=403, admin_user=403), target="candidate"),  # a draft
    Row("scorecards:invite", "get", managers(200), target="candidate"),
    Row("scorecards:invite", "post", managers(200), target="candidate"),  # nobody picked: errors shown
    # choosing the vendor: step 5's Accountable (nobody here) or an executive
    Row("scorecards:decide", "get", viewers(403, executive=200), target="candidate"),
    Row("scorecards:decide", "post", viewers(403, executive=200), target="candidate"),  # no rationale: errors
    Row("scorecards:withdraw", "post", viewers(403, executive=302), target="project"),
    # vendor decisions both sponsors sign: a proposal by the executive, the owner sponsoring
    # Marketing and the IT lead IT; each signs only their side, the budget owner (Marketing)
    # breaks a tie only when the IT sponsor disagrees (not here)
    Row("scorecards:decision", "get", viewers(200), target="vendor_decision"),
    Row("scorecards:decision_sign", "post", viewers(403, owner=200), target="vendor_decision_sign"),  # empty: errors
    Row("scorecards:decision_break_tie", "post", viewers(403), target="vendor_decision"),
    Row("scorecards:export", "get", viewers(200), target="export"),
    # --- Alignment -------------------------------------------------------------------------
    Row("alignment:index", "get", signed_in(200)),
    Row("alignment:round_new", "get", signed_in(403, executive=200, admin_user=200)),
    Row("alignment:round_new", "post", signed_in(403, executive=200, admin_user=200)),  # empty: errors shown
    Row("alignment:project_rounds", "get", viewers(200), target="project"),
    Row("alignment:project_round_new", "get", managers(200), target="project"),
    Row("alignment:project_round_new", "post", managers(200), target="project"),  # empty: errors shown
    # A round of the project, opened by its owner; the member and the IT lead are invited.
    Row("alignment:round", "get", viewers(200), target="open_round", label="open project round"),
    Row("alignment:round", "get", viewers(200), target="closed_round", label="closed project round"),
    Row("alignment:export", "get", viewers(200), target="closed_round", label="closed project round"),
    Row("alignment:round", "get", viewers(200), target="lapsed_round", label="lapsed project round"),
    Row("alignment:export", "get", viewers(200), target="lapsed_round", label="lapsed project round"),
    Row("alignment:export", "get", viewers(302), target="open_round", label="open: no results yet"),
    # answering: the invited members only (the owner was not invited; executives do not answer as such)
    Row("alignment:answer", "get", viewers(200, owner=403, executive=403, admin_user=403), target="open_round"),
    Row(  # nothing answered: the form is shown again
        "alignment:answer", "post", viewers(200, owner=403, executive=403, admin_user=403), target="open_round"
    ),
    # closing: whoever opened it, and those who manage the project
    Row("alignment:close", "post", managers(302), target="open_round"),
    # extending (an empty form changes nothing): as for closing; a closed round is final
    Row("alignment:extend", "post", managers(302), target="open_round"),
    # An organization round opened by the executive; the member and the IT lead are invited.
    # It exists for executives, administrators, its opener and its invitees.
    Row("alignment:round", "get", viewers(200, owner=404), target="org_round", label="organization round"),
    Row(
        "alignment:round", "get", viewers(200, owner=404), target="lapsed_org_round", label="lapsed organization round"
    ),
    Row(
        "alignment:export", "get", viewers(200, owner=404), target="lapsed_org_round", label="lapsed organization round"
    ),
    Row(
        "alignment:answer",
        "get",
        viewers(200, owner=404, executive=403, admin_user=403),
        target="org_round",
        label="organization round",
    ),
    Row(
        "alignment:close",
        "post",
        viewers(403, owner=404, executive=302, admin_user=302),
        target="org_round",
        label="organization round",
    ),
    Row(
        "alignment:extend",
        "post",
        viewers(403, owner=404, executive=302, admin_user=302),
        target="org_round",
        label="organization round",
    ),
    # --- projects: liaisons and the CSV import (issues 14 and 15) ---
    Row("projects:liaisons", "get", signed_in(200)),  # everyone reads the organization's liaisons
    Row("projects:liaisons", "post", signed_in(403, executive=302, admin_user=302)),  # empty: nothing changed
    Row("projects:project_liaisons", "get", managers(200), target="project"),
    Row("projects:project_liaisons", "post", managers(302), target="project"),  # empty: nothing changed
    Row("projects:import", "get", signed_in(200)),  # anyone active creates projects (their own)
    Row("projects:import", "post", signed_in(200)),  # no file: re-shown with errors
    Row("projects:import_template", "get", signed_in(200)),
    # --- inventory: the stack (everyone reads; administrators, executives, IT and Marketing Ops change) ---
    Row("inventory:tool_list", "get", signed_in(200)),
    Row("inventory:import_template", "get", signed_in(200)),
    Row("inventory:tool_new", "get", signed_in(200, member=403)),
    Row("inventory:tool_new", "post", signed_in(200, member=403)),  # empty form: re-shown with errors
    Row("inventory:tool_import", "get", signed_in(200, member=403)),
    Row("inventory:tool_import", "post", signed_in(200, member=403)),  # no file: re-shown with errors
    Row("inventory:tool_detail", "get", signed_in(200), target="tool"),
    Row("inventory:tool_edit", "get", signed_in(200, member=403), target="tool"),
    Row("inventory:tool_edit", "post", signed_in(200, member=403), target="tool"),  # empty form: errors shown
    Row("inventory:tool_retire", "get", signed_in(200, member=403), target="tool"),
    Row("inventory:tool_retire", "post", signed_in(302, member=403), target="tool"),
    # --- raci: the organization's responsibility framework ---
    Row("raci:framework", "get", signed_in(200)),  # Who owns what: for everyone signed in
    Row("raci:framework_edit", "get", signed_in(403, executive=200, admin_user=200)),
    Row("raci:framework_edit", "post", signed_in(403, executive=200, admin_user=200)),  # empty: errors shown
    Row("raci:framework_apply", "get", managers(200), target="project"),  # the preview
    Row("raci:framework_apply", "post", managers(302), target="project"),  # no framework yet: nothing to add
    # --- raci: the duties of the letters (raci.duties_views). The IT lead is asked to accept step 3;
    # the member is Consulted on step 1, whose Accountable person is the owner; empty posts: errors (400) ---
    Row("raci:step_duties", "get", viewers(200), target="step"),
    Row("raci:acknowledge", "post", viewers(302), target="step", label="nothing awaiting"),
    Row("raci:acknowledge", "post", viewers(403, it_lead=302), target="duties_acknowledgement"),
    Row("raci:decline", "post", viewers(403, it_lead=400), target="duties_acknowledgement"),
    Row("raci:consult", "post", viewers(403, member=400), target="duties_consultation"),
    Row("raci:waive_consultation", "post", viewers(403, owner=400), target="duties_waiver"),
    # the signed link: the person it was sent to (signed in or not) accepts; anyone else signed in: 403
    Row("raci:acknowledge_link", "get", public(403, anonymous=200, inactive=200, it_lead=200), target="duties_link"),
    Row("raci:acknowledge_link", "post", public(403, anonymous=200, inactive=200, it_lead=200), target="duties_link"),
    # --- intake: a request by the owner, just submitted. Seen by its requester, IT (outsider, it_lead,
    # executive) and administrators; the member (Marketing) neither asked nor reviews: 404 ---
    Row("intake:list", "get", signed_in(200)),
    Row("intake:new", "get", signed_in(200)),
    Row("intake:new", "post", signed_in(200)),  # empty form: re-shown with errors
    Row("intake:overlaps", "get", signed_in(200)),
    Row("intake:detail", "get", signed_in(200, member=404), target="intake_request"),
    Row("intake:edit", "get", signed_in(403, owner=200, member=404), target="intake_request"),
    Row("intake:edit", "post", signed_in(403, owner=200, member=404), target="intake_request"),  # errors shown
    # the IT review: IT and administrators, never the requester
    Row("intake:review", "get", signed_in(200, owner=403, member=404), target="intake_review"),
    Row("intake:review", "post", signed_in(200, owner=403, member=404), target="intake_review"),  # errors shown
    # approving: executives, the steering group and administrators
    Row("intake:approve", "get", signed_in(403, executive=200, admin_user=200, member=404), target="intake_request"),
    Row("intake:approve", "post", signed_in(403, executive=200, admin_user=200, member=404), target="intake_request"),
    Row("intake:transition", "post", signed_in(302, member=404), target="intake_request"),  # no move: told why
    Row("intake:waive", "post", signed_in(403, executive=302, admin_user=302, member=404), target="intake_request"),
    # --- roadmap: the joint roadmap (every project each may see, so open to all); the shared vision is
    # written by executives and administrators; a project's mark is set by those who manage it ---
    Row("roadmap:index", "get", signed_in(200)),
    Row("roadmap:export", "get", signed_in(200), target="csv", label="csv"),
    Row("roadmap:export", "get", signed_in(200), target="xlsx", label="xlsx"),
    Row("roadmap:launches", "get", signed_in(200)),
    Row("roadmap:vision", "get", signed_in(403, executive=200, admin_user=200)),
    Row("roadmap:vision", "post", signed_in(403, executive=200, admin_user=200)),  # empty: errors shown
    Row("roadmap:mark", "post", managers(302), target="project"),  # no kind: back to the default mark
    # --- committee: the steering committee. The IT lead sits on it (target "committee" and after): members
    # run it; executives and administrators read it (403 on a write); anyone else finds nothing (404) ---
    Row("committee:members", "get", signed_in(200)),  # who sits on it is no secret
    Row("committee:list", "get", signed_in(404, it_lead=200, executive=200, admin_user=200), target="committee"),
    Row("committee:new", "get", signed_in(404, it_lead=200, executive=403, admin_user=403), target="committee"),
    Row("committee:new", "post", signed_in(404, it_lead=200, executive=403, admin_user=403), target="committee"),
    Row("committee:meeting", "get", signed_in(404, it_lead=200, executive=200, admin_user=200), target="meeting"),
    Row("committee:invitation", "get", signed_in(404, it_lead=200, executive=200, admin_user=200), target="meeting"),
    Row("committee:edit", "get", signed_in(404, it_lead=200, executive=403, admin_user=403), target="meeting"),
    Row("committee:edit", "post", signed_in(404, it_lead=200, executive=403, admin_user=403), target="meeting"),
    Row(
        "committee:agenda_generate",
        "post",
        signed_in(404, it_lead=302, executive=403, admin_user=403),
        target="meeting",
    ),
    Row("committee:agenda_send", "post", signed_in(404, it_lead=302, executive=403, admin_user=403), target="meeting"),
    # an empty decision or action: the agenda page again with the errors (400)
    Row("committee:decide", "post", signed_in(404, it_lead=400, executive=403, admin_user=403), target="meeting_item"),
    Row("committee:action_add", "post", signed_in(404, it_lead=400, executive=403, admin_user=403), target="meeting"),
    Row("committee:minutes", "get", signed_in(404, it_lead=200, executive=403, admin_user=403), target="meeting"),
    Row("committee:minutes", "post", signed_in(404, it_lead=302, executive=403, admin_user=403), target="meeting"),
    Row("committee:minute", "post", signed_in(404, it_lead=302, executive=403, admin_user=403), target="meeting"),
    # an action the owner was given: its owner or a member marks it done
    Row(
        "committee:action_done",
        "post",
        signed_in(404, owner=302, it_lead=302, executive=403, admin_user=403),
        target="committee_action",
    ),
    # --- flows: plan all steps, the matrix at one step, bulk RACI (previews, then matrix_save) ---
    Row("projects:plan", "get", managers(200), target="project"),
    Row("projects:plan", "post", managers(302), target="project"),  # no date changed: back to the project
    Row("raci:assign_accountable", "post", managers(302), target="step"),  # nobody chosen: told so at the step
    Row("raci:bulk_accountable", "get", managers(200), target="project"),  # the preview
    Row("raci:bulk_accountable", "post", managers(302), target="project"),  # no change posted: back to the matrix
    Row("raci:bulk_it_steps", "get", managers(200), target="project"),  # choose a person and a role
    Row("raci:bulk_it_steps", "post", managers(302), target="project"),  # no change posted: back to the matrix
    # --- api: the REST API (api/, docs/api.md). Signed out: 401, never a redirect. A write that passes
    # the access check meets the API's JSON-only parser: the table's client sends a form, so 415 ---
    Row("api:schema", "get", api_status(200)),
    Row("api:docs", "get", signed_in(200)),  # a page: signed out goes to the login page
    Row("api:projects", "get", api_status(200)),
    Row("api:projects", "post", api_status(415)),
    Row("api:project", "get", api_status(200, outsider=404), target="project"),
    Row("api:project", "patch", api_status(415, outsider=404, member=403), target="project"),
    Row("api:steps", "get", api_status(200, outsider=404), target="project"),
    Row("api:steps_plan", "post", api_status(415, outsider=404, member=403), target="project"),
    Row("api:step", "get", api_status(200, outsider=404), target="step"),
    Row("api:step_transition", "post", api_status(415, outsider=404, member=403), target="transition"),
    Row("api:matrix", "get", api_status(200, outsider=404), target="project"),
    Row("api:matrix", "put", api_status(415, outsider=404, member=403), target="project"),
    Row("api:matrix_step", "put", api_status(415, outsider=404, member=403), target="step"),
    Row("api:reminders", "get", api_status(200, outsider=404), target="project"),
    Row("api:scorecard", "get", api_status(200, outsider=404), target="project"),
    Row("api:candidates", "post", api_status(415, outsider=404, member=403), target="project"),
    Row("api:ratings", "get", api_status(200, outsider=404), target="candidate"),
    Row("api:ratings", "put", api_status(415, outsider=404, executive=403, admin_user=403), target="candidate"),
    Row("api:rounds", "get", api_status(200)),
    Row("api:rounds", "post", api_status(415)),
    Row("api:round", "get", api_status(200, outsider=404), target="open_round", label="open project round"),
    Row("api:round", "get", api_status(200, outsider=404), target="closed_round", label="closed project round"),
    Row(
        "api:round",
        "get",
        api_status(200, outsider=404, owner=404),
        target="org_round",
        label="organization round",
    ),
    # answering: the invited members only (the owner was not invited; executives do not answer as such)
    Row(
        "api:round_answers",
        "put",
        api_status(415, outsider=404, owner=403, executive=403, admin_user=403),
        target="open_round",
    ),
    Row("api:portfolio", "get", api_status(200)),
    Row("api:tools", "get", api_status(200)),
    Row("api:intake_requests", "get", api_status(200)),
    Row("api:tokens", "get", signed_in(200)),
    Row("api:tokens", "post", signed_in(200)),  # empty form: re-shown with errors
    # the owner's token: nobody else's to see or revoke (404)
    Row("api:token_revoke", "get", signed_in(404, owner=200), target="api_token"),
    Row("api:token_revoke", "post", signed_in(404, owner=302), target="api_token"),
    # --- api: the committee, the roadmap, vendor decision signatures, RACI duties, liaisons (h9). The IT lead
    # sits on the committee; executives and administrators read it; the owner owns the action ---
    Row("api:meetings", "get", api_status(404, it_lead=200, executive=200, admin_user=200), target="committee"),
    Row("api:meeting", "get", api_status(404, it_lead=200, executive=200, admin_user=200), target="meeting"),
    Row("api:meeting_actions", "post", api_status(404, it_lead=415, executive=403, admin_user=403), target="meeting"),
    Row(
        "api:meeting_item_decision",
        "post",
        api_status(404, it_lead=415, executive=403, admin_user=403),
        target="meeting_item",
    ),
    Row(
        "api:committee_action_done",
        "post",
        api_status(404, owner=415, it_lead=415, executive=403, admin_user=403),
        target="committee_action",
    ),
    Row("api:roadmap_items", "get", api_status(200)),
    Row("api:roadmap_vision", "get", api_status(200)),  # everyone reads the shared vision
    Row("api:roadmap_vision", "put", api_status(403, executive=415, admin_user=415)),
    Row("api:roadmap_mark", "put", api_status(415, outsider=404, member=403), target="project"),
    # the owner sponsors Marketing and signs its side; nobody disagrees, so nobody breaks a tie
    Row("api:vendor_decision", "get", api_status(200, outsider=404), target="vendor_decision"),
    Row("api:vendor_decision_sign", "post", api_status(403, outsider=404, owner=415), target="vendor_decision_sign"),
    Row("api:vendor_decision_break_tie", "post", api_status(403, outsider=404), target="vendor_decision"),
    # duties: the IT lead accepts step 3 (no body: 200); the member answers step 1; the owner waives there
    Row("api:step_duties", "get", api_status(200, outsider=404), target="step"),
    Row("api:duties_accept", "post", api_status(403, outsider=404, it_lead=200), target="duties_acknowledgement"),
    Row("api:duties_decline", "post", api_status(403, outsider=404, it_lead=415), target="duties_acknowledgement"),
    Row("api:duties_consultation", "put", api_status(403, outsider=404, member=415), target="duties_consultation"),
    Row("api:duties_waive", "post", api_status(403, outsider=404, owner=415), target="duties_waiver"),
    Row("api:liaisons", "get", api_status(200)),  # everyone reads the organization's liaisons
    Row("api:liaisons", "put", api_status(403, executive=415, admin_user=415)),
    Row("api:project_liaisons", "get", api_status(200, outsider=404), target="project"),
    Row("api:project_liaisons", "put", api_status(415, outsider=404, member=403), target="project"),
    # --- Single sign-on and the calendar feed (governance/oidc, calendars) ---------------------
    # SSO is off in the tests' settings: its pages do not exist (governance/tests/test_oidc_views.py
    # and tests/test_sso_browser.py cover them switched on)
    Row("oidc_start", "get", public(404)),
    Row("oidc_callback", "get", public(404)),
    Row("oidc_refused", "get", public(404)),
    Row("oidc_refused", "post", public(404)),  # signs the refused person out of the provider
    # the owner's feed: the secret link is the credential, whoever fetches it (a calendar app has no session)
    Row("calendars:feed", "get", public(200), target="calendar_feed"),
    Row("calendars:feed", "get", public(404), target="calendar_feed_forged", label="forged"),
    Row("calendars:link_reset", "post", signed_in(302)),  # one's own link, made or replaced
    Row("calendars:link_stop", "post", signed_in(302)),
    # --- integrations: webhooks, Slack and Teams (integrations/, docs/webhooks.md). The project owner's
    # webhook and chat channel: those who manage the project see and change them; to anyone else they
    # do not exist (404); only someone who manages a project (or an administrator) may add one (403) ---
    Row("integrations:subscriptions", "get", signed_in(200)),
    Row("integrations:subscription_new", "get", managers(200, outsider=403)),
    Row("integrations:subscription_new", "post", managers(200, outsider=403)),  # empty form: errors shown
    Row("integrations:subscription_detail", "get", managers(200, member=404), target="webhook"),
    Row("integrations:subscription_edit", "get", managers(200, member=404), target="webhook"),
    Row("integrations:subscription_edit", "post", managers(200, member=404), target="webhook"),  # errors shown
    Row("integrations:subscription_delete", "get", managers(200, member=404), target="webhook"),
    Row("integrations:subscription_delete", "post", managers(302, member=404), target="webhook"),
    Row("integrations:delivery_resend", "post", managers(302, member=404), target="webhook_delivery"),
    Row("integrations:channels", "get", signed_in(200)),
    Row("integrations:channel_new", "get", managers(200, outsider=403)),
    Row("integrations:channel_new", "post", managers(200, outsider=403)),  # empty form: errors shown
    Row("integrations:channel_edit", "get", managers(200, member=404), target="chat_channel"),
    Row("integrations:channel_edit", "post", managers(200, member=404), target="chat_channel"),  # errors shown
    Row("integrations:channel_delete", "get", managers(200, member=404), target="chat_channel"),
    Row("integrations:channel_delete", "post", managers(302, member=404), target="chat_channel"),
]


SITE_TARGETS = {
    "": {},
    "csv": {"fmt": "csv"},
    "xlsx": {"fmt": "xlsx"},
    "unowned": {"kind": "unowned"},
    "overdue": {"kind": "overdue"},
    "reset_link": {"uidb64": "MQ", "token": "forged-token"},
}
PROJECT_TARGETS = {  # URL arguments besides the project's slug
    "project": {},
    "step": {"number": 2},
    "transition": {"number": 1, "transition": "start"},
    "export": {"fmt": "csv"},
}
ROUND_TARGETS = ("open_round", "closed_round", "lapsed_round", "org_round", "lapsed_org_round")


class World:
    """What a row's URL points at, built on first use for the test that needs it."""

    def __init__(self, request, project):
        self.request = request
        self.project = project

    def persona(self, name):
        return self.request.getfixturevalue(name)

    def kwargs(self, target: str) -> dict:
        if target.startswith("calendar_feed"):  # the project owner's calendar link, or a forged one
            feed, _ = CalendarFeed.objects.get_or_create(user=self.project.owner)
            key = feed.key if target == "calendar_feed" else "forged-key"
            return {"token": calendar_tokens.make(self.project.owner.pk, key)}
        if target == "reminders_off":  # the project owner's signed opt-out link
            return {"token": reminder_optout.token_for(self.project.owner)}
        if target.startswith("duties_"):  # the duties of the RACI letters (raci.duties rows)
            return self.duties_kwargs(target)
        if target in SITE_TARGETS:
            return SITE_TARGETS[target]
        slug = {"slug": self.project.slug}
        if target in PROJECT_TARGETS:
            return {**slug, **PROJECT_TARGETS[target]}
        if target == "candidate":
            return {**slug, "candidate_id": self.candidate.pk}
        if target == "intake_review":
            return {"pk": self.intake_request.pk, "kind": "integration_overlap"}
        if target == "committee":  # the IT lead on the steering committee, who planned a meeting (committee rows)
            assert self.meeting.pk
            return {}
        if target == "meeting_item":
            return {"pk": self.meeting.pk, "item_pk": self.meeting.items.order_by("position").first().pk}
        if target.startswith("vendor_decision"):  # a proposal waiting for signatures (vendor decision rows)
            ids = {**slug, "decision_id": self.vendor_decision.pk}
            return {**ids, "side": "marketing"} if target == "vendor_decision_sign" else ids
        return {"pk": getattr(self, target).pk}  # one of ROUND_TARGETS

    def url(self, row: Row) -> str:
        return reverse(row.name, kwargs=self.kwargs(row.target))

    def params(self, row: Row) -> dict:
        return {key: self.persona(value).pk for key, value in row.params.items()}

    @cached_property
    def tool(self):  # a tool of the stack (inventory rows)
        from inventory.tests.factories import make_tool

        return make_tool()

    @property
    def meeting(self):  # a committee meeting the IT lead (now on the steering committee) planned (committee rows)
        from committee.models import Meeting
        from committee.services import meeting_save
        from inventory.models import Tool
        from inventory.tests.factories import make_tool

        found = getattr(self, "_meeting", None)
        if found is None or not Meeting.objects.filter(pk=found.pk).exists():  # built anew after a rollback
            it_lead = self.persona("it_lead")
            it_lead.on_steering_group = True
            it_lead.save(update_fields=["on_steering_group"])
            if not Tool.objects.filter(name="Renewing soon").exists():
                make_tool("Renewing soon", vendor="Acme", renewal_date=timezone.localdate() + timedelta(days=30))
            start = timezone.now() + timedelta(days=7)
            self._meeting = meeting_save(actor=it_lead, title="Committee", starts_at=start)  # one item at least
        return self._meeting

    @property
    def committee_action(self):  # an open action of that meeting, owned by the project owner (committee rows)
        from committee.models import Action
        from committee.services import action_add

        found = getattr(self, "_committee_action", None)
        if found is None or not Action.objects.filter(pk=found.pk).exists():
            owner, it_lead, day = self.persona("owner"), self.persona("it_lead"), timezone.localdate()
            meeting = self.meeting
            self._committee_action = action_add(actor=it_lead, meeting=meeting, owner=owner, due=day, description="x")
        return self._committee_action

    @cached_property
    def intake_request(self):  # a request by the owner, just submitted (intake rows)
        from intake.tests.factories import submitted

        return submitted(self.persona("owner"))

    @cached_property
    def vendor_decision(self):  # Acme proposed by the executive; sponsors: the owner and the IT lead
        from scorecards.services import decision_record

        self.project.marketing_sponsor, self.project.it_sponsor = self.persona("owner"), self.persona("it_lead")
        self.project.save(update_fields=["marketing_sponsor", "it_sponsor"])
        candidate = self.candidate
        return decision_record(
            actor=self.persona("executive"),
            scorecard=candidate.scorecard,
            candidate=candidate,
            rationale="Fit.",
            against_ranking_reason="Not rated yet.",
        )

    def duties_kwargs(self, target: str) -> dict:
        """The IT lead made Accountable on step 3 by the owner (awaiting acknowledgement); step 1,
        where the member is Consulted, with the owner Accountable (raci.duties rows)."""
        from raci import duties
        from raci.models import Acknowledgement
        from raci.services import matrix_save

        owner, it_lead = self.persona("owner"), self.persona("it_lead")
        step3, step1 = self.project.steps.get(number=3), self.project.steps.get(number=1)
        # Idempotent: the fuzz asks for the same row's URL again after each example.
        matrix_save(actor=owner, project=self.project, rows={it_lead.pk: {step3.pk: Role.ACCOUNTABLE}})
        if not step1.assignments.filter(role=Role.ACCOUNTABLE).exists():
            assign(step1, owner, Role.ACCOUNTABLE)
        slug = self.project.slug
        if target == "duties_link":
            latest = Acknowledgement.objects.filter(step=step3, user=it_lead).latest("pk")
            return {"token": duties.link_token(latest)}
        if target == "duties_acknowledgement":
            return {"slug": slug, "number": 3}
        if target == "duties_consultation":
            return {"slug": slug, "number": 1}
        return {"slug": slug, "number": 1, "user_id": self.persona("member").pk}  # duties_waiver

    @cached_property
    def candidate(self):
        ensure_default_criteria()
        return candidate_save(actor=self.project.owner, scorecard=scorecard_for(self.project), name="Acme")

    def _round(self, opener, invitees, project=None, title="Check"):
        ensure_default_questionnaire()
        closes_on = timezone.localdate() + timedelta(days=7)
        return round_open(actor=opener, title=title, closes_on=closes_on, invitees=invitees, project=project)

    @cached_property
    def open_round(self):
        return self._round(self.project.owner, [self.persona("member"), self.persona("it_lead")], self.project)

    def _answered_round(self, opener, project, title):
        """A round answered by three new people on each side (enough for results
        to show); the member and the IT lead are invited too."""
        respondents = [UserFactory(department=Department.MARKETING) for _ in range(3)]
        respondents += [UserFactory(department=Department.IT) for _ in range(3)]
        if project is not None:
            for person in respondents:
                assign(project.steps.get(number=2), person, Role.INFORMED)
        invitees = [*respondents, self.persona("member"), self.persona("it_lead")]
        round_ = self._round(opener, invitees, project, title=title)
        dimensions = list(RoundDimension.objects.filter(round=round_))
        for level, person in enumerate(respondents):
            answers = {d.pk: (1 + (level + d.position) % 5, "") for d in dimensions}
            answers_submit(actor=person, round_=round_, answers=answers)
        return round_

    @cached_property
    def closed_round(self):
        """A project round closed by its opener (the close service)."""
        round_ = self._answered_round(self.project.owner, self.project, "Closed check")
        return round_close(actor=self.project.owner, round_=round_)

    @cached_property
    def lapsed_round(self):
        """A project round whose closing date passed: nobody closed it, so the
        first read of its results is also the first time anything computes them."""
        return self._lapse(self._answered_round(self.project.owner, self.project, "Lapsed check"))

    @cached_property
    def lapsed_org_round(self):
        return self._lapse(self._answered_round(self.persona("executive"), None, "Lapsed organization check"))

    @staticmethod
    def _lapse(round_):
        AlignmentRound.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
        round_.refresh_from_db()
        return round_

    @cached_property
    def org_round(self):
        return self._round(self.persona("executive"), [self.persona("member"), self.persona("it_lead")])

    @cached_property
    def api_token(self):  # the project owner's personal API token (api rows)
        from api.services import token_create

        return token_create(actor=self.project.owner, name="CI", scope="read", expires_at=None)[0]

    def _kept(self, name: str, model, build):
        """``name``'s object, built anew when a rollback (the fuzz's savepoints) took it away."""
        found = getattr(self, f"_{name}", None)
        if found is None or not model.objects.filter(pk=found.pk).exists():
            found = build()
            setattr(self, f"_{name}", found)
        return found

    @property
    def webhook(self):  # the project owner's webhook for the project (integrations rows)
        from integrations.models import Subscription
        from integrations.services import subscription_create

        return self._kept(
            "webhook",
            Subscription,
            lambda: subscription_create(
                actor=self.project.owner,
                project=self.project,
                url="https://93.184.215.14/hook",
                events=["vendor.decided"],
            ),
        )

    @property
    def webhook_delivery(self):  # one delivery of that webhook, which gave up (integrations rows)
        from integrations.models import Delivery

        return self._kept(
            "webhook_delivery",
            Delivery,
            lambda: self.webhook.deliveries.create(
                event="vendor.decided", body="{}", status="failed", attempts=8, next_retry_at=None
            ),
        )

    @property
    def chat_channel(self):  # the project owner's Slack channel for the project (integrations rows)
        from integrations.models import ChatChannel
        from integrations.services import channel_create

        return self._kept(
            "chat_channel",
            ChatChannel,
            lambda: channel_create(
                actor=self.project.owner,
                project=self.project,
                kind="slack",
                name="#cdp",
                url="https://93.184.215.14/slack",
                events=["vendor.decided"],
            ),
        )

    def populate(self):
        """Everything a page may read: a candidate rated by the member (submitted),
        a closed round, and rounds that lapsed with no one closing them."""
        ratings_save(
            actor=self.persona("member"),
            candidate=self.candidate,
            scores={c.pk: 3 for c in self.candidate.scorecard.criteria.all()},
            comments={},
            submit=True,
        )
        return [self.closed_round, self.lapsed_round, self.lapsed_org_round, self.open_round, self.org_round]


@pytest.fixture
def inactive(project):
    """A former member: Consulted on step 2, then their account was deactivated."""
    user = UserFactory(username="dora", first_name="Dora", last_name="Departed", department=Department.MARKETING)
    assign(project.steps.get(number=2), user, Role.CONSULTED)
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


@pytest.fixture
def world(request, project):
    return World(request, project)


def _signed_in_client(client, world, persona):
    if persona != "anonymous":
        client.force_login(world.persona(persona))  # before any capture: last_login is its write
    return client


def _url_pattern_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in UNLISTED_NAMESPACES:
                    continue
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern):
                names.add(f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>")

    walk(get_resolver().url_patterns)
    return names


def test_every_url_pattern_has_a_row():
    missing = _url_pattern_names() - {row.name for row in TABLE}
    assert not missing, f"Add rows to tests/test_access.py for: {sorted(missing)}"


def test_every_row_names_a_real_url_and_every_persona():
    listed = _url_pattern_names() | {"admin:index"}
    assert not [row.id for row in TABLE if row.name not in listed]
    assert all(set(row.expected) == set(PERSONAS) for row in TABLE)
    assert len({row.id for row in TABLE}) == len(TABLE), "two rows with the same name, method and label"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", TABLE, ids=[row.id for row in TABLE])
def test_url_answers_each_persona(client, world, row, persona):
    url = world.url(row)
    client = _signed_in_client(client, world, persona)
    response = getattr(client, row.method)(url, world.params(row))
    expected = row.expected[persona]
    if expected == LOGIN:
        assert response.status_code == 302, f"{row.method.upper()} {url} as {persona}: {response.status_code}"
        assert response["Location"].startswith(reverse("login")), f"{row.method.upper()} {url} as {persona}"
    else:
        assert response.status_code == expected, f"{row.method.upper()} {url} as {persona}"


def _without_a_post_row() -> list[str]:
    posted = {row.name for row in TABLE if row.method == "post"}
    return sorted({row.name for row in TABLE if row.name not in posted and row.name != "admin:index"})


@pytest.mark.django_db
@pytest.mark.parametrize("name", _without_a_post_row())
def test_a_url_with_no_post_row_refuses_a_post(client, world, admin_user, name):
    """So a view that starts taking POSTs must get its rows here."""
    row = next(row for row in TABLE if row.name == name)
    client.force_login(admin_user)
    assert client.post(world.url(row)).status_code == 405


PROJECT_ROWS = [r for r in TABLE if r.target in PROJECT_TARGETS or r.target == "candidate"]
ROUND_ROWS = [r for r in TABLE if r.target in ROUND_TARGETS]


@pytest.mark.django_db
@pytest.mark.parametrize("row", PROJECT_ROWS, ids=[r.id for r in PROJECT_ROWS])
def test_unknown_project_is_404_even_for_an_administrator(client, world, admin_user, row):
    client.force_login(admin_user)
    url = reverse(row.name, kwargs={**world.kwargs(row.target), "slug": "no-such-project"})
    assert getattr(client, row.method)(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROUND_ROWS, ids=[r.id for r in ROUND_ROWS])
def test_unknown_round_is_404_even_for_an_administrator(client, admin_user, row):
    client.force_login(admin_user)
    assert getattr(client, row.method)(reverse(row.name, kwargs={"pk": 999_999})).status_code == 404


# --- GET never writes ------------------------------------------------------------------

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
SESSION_TABLE = re.compile(r"\bdjango_session\b", re.IGNORECASE)


def writes(queries: list[dict]) -> list[str]:
    """The statements that change the database, less the session's own."""
    return [q["sql"] for q in queries if WRITE.match(q["sql"]) and not SESSION_TABLE.search(q["sql"])]


# Who reads each page for the GET test: the narrowest reader (a page can differ
# for whoever rated, was invited, or owns) and the broadest (sees everything).
NARROW_READERS = ("member", "owner", "it_lead", "outsider", "anonymous")
BROAD_READERS = ("executive", "admin_user")


def _readers() -> list[tuple[str, Row, str]]:
    """Every GET row, with the personas that read it (a 2xx answer), in two worlds:
    ``bare`` (only what the URL points at: a project with no scorecard yet, so a
    page that creates one shows) read by the broadest reader, and ``populated``
    (ratings, closed and lapsed rounds) read by the narrowest and the broadest."""
    cases = []
    for row in TABLE:
        if row.method != "get":
            continue
        allowed = [p for p in PERSONAS if isinstance(row.expected[p], int) and 200 <= row.expected[p] < 300]
        narrow = next((p for p in NARROW_READERS if p in allowed), None)
        broad = next((p for p in BROAD_READERS if p in allowed), None)
        if not allowed:  # a redirect or a refusal for everyone (logout, an open round's export)
            continue
        cases.append(("bare", row, broad or narrow))
        cases += [("populated", row, persona) for persona in PERSONAS if persona in {narrow, broad}]
    return cases


READERS = _readers()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "row", "persona"), READERS, ids=[f"{row.id} as {persona}, {state}" for state, row, persona in READERS]
)
def test_no_page_get_writes(client, world, state, row, persona):
    if state == "populated":
        world.populate()
    url = world.url(row)  # building what the URL points at writes too: all before the capture
    params = world.params(row)
    client = _signed_in_client(client, world, persona)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert 200 <= response.status_code < 300, f"GET {url} as {persona}: {response.status_code}"
    written = writes(captured.captured_queries)
    assert not written, f"GET {url} as {persona} ({state}) wrote {len(written)} time(s):\n" + "\n".join(written)


def test_the_write_filter_ignores_only_the_session():
    queries = [
        {"sql": 'UPDATE "django_session" SET "session_data" = %s'},
        {"sql": 'INSERT INTO "django_session" ("session_key") VALUES (%s)'},
        {"sql": 'SELECT "x" FROM "scorecards_scorecard" FOR UPDATE'},
        {"sql": 'INSERT INTO "scorecards_scorecard" ("project_id") VALUES (%s)'},
        {"sql": ' update "alignment_roundsummary" SET "level" = 3'},
        {"sql": 'DELETE FROM "raci_reminder"'},
    ]
    assert len(writes(queries)) == 3


# --- What the table cannot say ------------------------------------------------------------


@pytest.mark.django_db
def test_outsider_does_not_see_the_project_in_lists(client, project, outsider):
    client.force_login(outsider)
    assert project.name not in client.get(reverse("project_list")).content.decode()
    assert project.name not in client.get(reverse("home")).content.decode()
    assert project.name not in client.get(reverse("portfolio")).content.decode()


@pytest.mark.django_db
def test_403_page_says_why(client, project, member):
    client.force_login(member)
    response = client.get(reverse("projects:edit", kwargs={"slug": project.slug}))
    assert response.status_code == 403
    assert "You can see this project but not change it." in response.content.decode()


@pytest.mark.django_db
def test_the_capture_sees_what_a_post_writes(client, project, owner):
    """The GET test would pass on a capture that sees nothing: this one would not."""
    client.force_login(owner)
    with CaptureQueriesContext(connection) as captured:
        client.post(reverse("scorecards:candidate_add", kwargs={"slug": project.slug}), {"name": "Globex"})
    assert any("scorecards_candidate" in sql for sql in writes(captured.captured_queries))
