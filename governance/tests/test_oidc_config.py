"""SSO settings from the environment and the mapping of claims to Tandem (governance/oidc/config.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from governance.oidc import config

BASE = {
    "TANDEM_OIDC_ISSUER": "https://login.example.com/realms/acme/",
    "TANDEM_OIDC_CLIENT_ID": "tandem",
    "TANDEM_OIDC_CLIENT_SECRET": "s3cret",
}


def test_no_variable_means_sso_off_and_password_login_on():
    oidc = config.parse({"PATH": "/usr/bin"})
    assert oidc.enabled is False
    assert config.password_login({}, oidc) is True
    assert config.backends(["a.ModelBackend"], oidc, True) == ["a.ModelBackend"]
    assert config.form_action_origins(oidc) == []


def test_issuer_client_and_secret_turn_it_on_with_defaults():
    oidc = config.parse(BASE)
    assert oidc.enabled and oidc.issuer == "https://login.example.com/realms/acme"  # no trailing slash
    assert oidc.scopes == "openid email profile" and oidc.sign_algo == "RS256" and oidc.use_pkce
    assert oidc.department_claim == "department" and oidc.executive_claim == "groups"
    assert oidc.executive_groups == frozenset()
    assert "s3cret" not in repr(oidc)
    assert config.form_action_origins(oidc) == ["https://login.example.com"]


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"TANDEM_OIDC_ISSUER": "https://x"}, "TANDEM_OIDC_CLIENT_ID"),
        ({**BASE, "TANDEM_OIDC_CLIENT_SECRET": ""}, "TANDEM_OIDC_CLIENT_SECRET"),
        ({"TANDEM_OIDC_CLIENT_ID": "a", "TANDEM_OIDC_CLIENT_SECRET": "b"}, "TANDEM_OIDC_ISSUER"),
        ({**BASE, "TANDEM_OIDC_ISSUER": "login.example.com"}, "TANDEM_OIDC_ISSUER"),
        ({**BASE, "TANDEM_OIDC_SCOPES": "email profile"}, "TANDEM_OIDC_SCOPES"),
        ({**BASE, "TANDEM_OIDC_USE_PKCE": "maybe"}, "TANDEM_OIDC_USE_PKCE"),
        ({**BASE, "TANDEM_OIDC_DEPARTMENT_MAP": "Finance=accounts"}, "TANDEM_OIDC_DEPARTMENT_MAP"),
        ({**BASE, "TANDEM_OIDC_DEPARTMENT_MAP": "CN=Mkt,OU=Groups=marketing"}, "TANDEM_OIDC_DEPARTMENT_MAP"),
    ],
)
def test_a_half_or_wrong_configuration_stops_start_up_naming_the_variable(environ, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        config.parse(environ)


def test_explicit_endpoints_instead_of_an_issuer():
    endpoints = {f"TANDEM_OIDC_{key.upper()}": f"https://idp.example.com/{key}" for key in config.REQUIRED_ENDPOINTS}
    oidc = config.parse({"TANDEM_OIDC_CLIENT_ID": "a", "TANDEM_OIDC_CLIENT_SECRET": "b", **endpoints})
    assert oidc.enabled and oidc.issuer == ""
    assert config.metadata(oidc)["token_endpoint"] == "https://idp.example.com/token_endpoint"  # no network


def test_password_login_off_needs_sso_and_drops_the_password_backend():
    with pytest.raises(ImproperlyConfigured, match="TANDEM_PASSWORD_LOGIN"):
        config.password_login({"TANDEM_PASSWORD_LOGIN": "false"}, config.parse({}))
    oidc = config.parse(BASE)
    assert config.password_login({"TANDEM_PASSWORD_LOGIN": "false"}, oidc) is False
    base = ["governance.security.LoginThrottleBackend", "django.contrib.auth.backends.ModelBackend"]
    assert config.backends(base, oidc, False) == ["governance.security.LoginThrottleBackend", config.BACKEND]
    assert config.backends(base, oidc, True) == [*base, config.BACKEND]


def _oidc(**extra):
    return config.parse({**BASE, **extra})


def test_department_names_map_by_default_but_other_never_does():
    oidc = _oidc()
    assert config.map_department({"department": "Marketing Ops"}, oidc).code == "marketing_ops"
    assert config.map_department({"department": "it"}, oidc).code == "it"
    assert config.map_department({"department": "Other"}, oidc).code is None
    missing = config.map_department({}, oidc)
    assert missing.code is None and missing.received == () and not missing.ambiguous


def test_department_map_with_groups_commas_and_equals_signs():
    oidc = _oidc(
        TANDEM_OIDC_DEPARTMENT_CLAIM="groups",
        TANDEM_OIDC_DEPARTMENT_MAP="CN=Marketing,OU=Groups=marketing; Engineering = IT ;Finance=Other",
    )
    assert config.map_department({"groups": ["staff", "cn=marketing,ou=groups"]}, oidc).code == "marketing"
    assert config.map_department({"groups": ["engineering"]}, oidc).code == "it"
    assert config.map_department({"groups": "Finance"}, oidc).code == "other"  # mapped on purpose
    both = config.map_department({"groups": ["Engineering", "CN=Marketing,OU=Groups"]}, oidc)
    assert both.code is None and both.ambiguous
    unknown = config.map_department({"groups": ["Sales", 7]}, oidc)
    assert unknown.code is None and unknown.received == ("Sales", "7") and not unknown.ambiguous


def test_executive_flag_only_when_groups_are_configured():
    assert config.is_executive({"groups": ["Execs"]}, _oidc()) is None
    oidc = _oidc(TANDEM_OIDC_EXECUTIVE_GROUPS="Tandem Executives,CxO")
    assert config.is_executive({"groups": ["staff", "tandem executives"]}, oidc) is True
    assert config.is_executive({"groups": ["staff"]}, oidc) is False
    assert config.is_executive({}, oidc) is False
    roles = _oidc(TANDEM_OIDC_EXECUTIVE_CLAIM="roles", TANDEM_OIDC_EXECUTIVE_GROUPS="cxo")
    assert config.is_executive({"roles": "CxO", "groups": []}, roles) is True


def test_discovery_waits_for_first_use_and_says_when_the_provider_is_down():
    oidc = _oidc(TANDEM_OIDC_ISSUER="http://127.0.0.1:9/nothing-listens-here")
    config.forget_metadata()
    with pytest.raises(config.ProviderUnavailable, match="openid-configuration"):
        config.metadata(oidc)
