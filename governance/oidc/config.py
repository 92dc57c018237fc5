"""SSO settings from the environment, and the mapping from a person's claims to Tandem.

Imports nothing from Django but its ``ImproperlyConfigured``: ``governance/settings.py`` calls
:func:`parse` while settings load. A value that cannot be used stops start-up with a message
naming the variable, like every other setting. Nothing here touches the network at import or
start-up: the provider's discovery document is fetched on first use (:func:`metadata`).
"""

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# Tandem's departments (governance.models.Department), spelled out so that settings need no models.
DEPARTMENTS = {"marketing": "Marketing", "marketing_ops": "Marketing Ops", "it": "IT", "other": "Other"}
# Claim values that name a department without any mapping: its code or its label, any case.
# "Other" is never matched by default: someone lands there only when the mapping says so.
DEFAULT_DEPARTMENT_NAMES = {
    name.casefold(): code for code, label in DEPARTMENTS.items() if code != "other" for name in (code, label)
}
ENDPOINTS = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "end_session_endpoint")
REQUIRED_ENDPOINTS = ENDPOINTS[:4]


@dataclass(frozen=True)
class OIDCConfig:
    enabled: bool = False
    name: str = "single sign-on"
    issuer: str = ""
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    scopes: str = "openid email profile"
    endpoints: dict = field(default_factory=dict)  # explicitly configured; the rest come from discovery
    sign_algo: str = "RS256"
    use_pkce: bool = True
    timeout: int = 10
    department_claim: str = "department"
    department_map: dict = field(default_factory=lambda: dict(DEFAULT_DEPARTMENT_NAMES))
    executive_claim: str = "groups"
    executive_groups: frozenset = frozenset()
    contact: str = "a Tandem administrator"


def _get(environ: Mapping[str, str], name: str, default: str = "") -> str:
    return (environ.get(name) or "").strip() or default


def split_list(value: str) -> list[str]:
    """``a;b;c`` or, when there is no ``;``, ``a,b,c`` (a group name with commas needs ``;``)."""
    separator = ";" if ";" in value or "\n" in value else ","
    return [item.strip() for item in value.replace("\n", ";").split(separator) if item.strip()]


def parse_department_map(value: str, variable: str = "TANDEM_OIDC_DEPARTMENT_MAP") -> dict[str, str]:
    """``Claim value=department;…`` (split on the last ``=``, so a value may contain one) on top of
    the defaults; ``department`` is a code or a label of Tandem's departments, any case."""
    mapping = dict(DEFAULT_DEPARTMENT_NAMES)
    by_name = {name.casefold(): code for code, label in DEPARTMENTS.items() for name in (code, label)}
    for entry in split_list(value):
        claim_value, equals, department = entry.rpartition("=")
        code = by_name.get(department.strip().casefold())
        if not equals or not claim_value.strip() or code is None:
            raise ImproperlyConfigured(
                f"{variable}: {entry!r} is not 'claim value=department' with a department among "
                f"{', '.join(DEPARTMENTS.values())}. Separate entries with ';' when a value contains a comma."
            )
        mapping[claim_value.strip().casefold()] = code
    return mapping


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    value = _get(environ, name).lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def _url(environ: Mapping[str, str], name: str) -> str:
    value = _get(environ, name).rstrip("/") if name == "TANDEM_OIDC_ISSUER" else _get(environ, name)
    if value and urlsplit(value).scheme not in {"http", "https"}:
        raise ImproperlyConfigured(f"{name} must be an http(s) URL, not {value!r}.")
    return value


def parse(environ: Mapping[str, str]) -> OIDCConfig:
    """The SSO configuration in ``environ``; disabled when no ``TANDEM_OIDC_*`` variable is set."""
    if not any(key.startswith("TANDEM_OIDC_") and value.strip() for key, value in environ.items()):
        return OIDCConfig()
    issuer = _url(environ, "TANDEM_OIDC_ISSUER")
    endpoints = {key: _url(environ, f"TANDEM_OIDC_{key.upper()}") for key in ENDPOINTS}
    endpoints = {key: value for key, value in endpoints.items() if value}
    missing = [
        f"TANDEM_OIDC_{key.upper()}" for key in ("client_id", "client_secret") if not _get(environ, key_env(key))
    ]
    if not issuer and any(key not in endpoints for key in REQUIRED_ENDPOINTS):
        missing.append("TANDEM_OIDC_ISSUER (or every endpoint: " + ", ".join(REQUIRED_ENDPOINTS) + ")")
    if missing:
        raise ImproperlyConfigured("Single sign-on is half configured; missing: " + "; ".join(missing) + ".")
    scopes = " ".join(_get(environ, "TANDEM_OIDC_SCOPES", "openid email profile").replace(",", " ").split())
    if "openid" not in scopes.split():
        raise ImproperlyConfigured(f"TANDEM_OIDC_SCOPES must include openid, not {scopes!r}.")
    return OIDCConfig(
        enabled=True,
        name=_get(environ, "TANDEM_OIDC_PROVIDER_NAME", "single sign-on"),
        issuer=issuer,
        client_id=_get(environ, "TANDEM_OIDC_CLIENT_ID"),
        client_secret=_get(environ, "TANDEM_OIDC_CLIENT_SECRET"),
        scopes=scopes,
        endpoints=endpoints,
        sign_algo=_get(environ, "TANDEM_OIDC_SIGN_ALGO", "RS256"),
        use_pkce=_bool(environ, "TANDEM_OIDC_USE_PKCE", True),
        department_claim=_get(environ, "TANDEM_OIDC_DEPARTMENT_CLAIM", "department"),
        department_map=parse_department_map(_get(environ, "TANDEM_OIDC_DEPARTMENT_MAP")),
        executive_claim=_get(environ, "TANDEM_OIDC_EXECUTIVE_CLAIM", "groups"),
        executive_groups=frozenset(g.casefold() for g in split_list(_get(environ, "TANDEM_OIDC_EXECUTIVE_GROUPS"))),
        contact=_get(environ, "TANDEM_OIDC_CONTACT", "a Tandem administrator"),
    )


def key_env(key: str) -> str:
    return f"TANDEM_OIDC_{key.upper()}"


def password_login(environ: Mapping[str, str], oidc: OIDCConfig) -> bool:
    """``TANDEM_PASSWORD_LOGIN`` (default true). Off only with SSO on, or nobody could log in."""
    enabled = _bool(environ, "TANDEM_PASSWORD_LOGIN", True)
    if not enabled and not oidc.enabled:
        raise ImproperlyConfigured("TANDEM_PASSWORD_LOGIN=false needs single sign-on (TANDEM_OIDC_ISSUER …).")
    return enabled


BACKEND = "governance.oidc.backend.TandemOIDCBackend"


def backends(base: list[str], oidc: OIDCConfig, password_login: bool) -> list[str]:
    """``AUTHENTICATION_BACKENDS`` with SSO: the OIDC backend added and, with password login off,
    Django's password check removed (so no form, the admin's included, can sign anyone in)."""
    if not oidc.enabled:
        return list(base)
    kept = [path for path in base if password_login or not path.endswith(".ModelBackend")]
    return [*kept, BACKEND]


def form_action_origins(oidc: OIDCConfig) -> list[str]:
    """Origins a form may lead to (CSP ``form-action``): logging out redirects to the provider."""
    urls = [oidc.issuer, oidc.endpoints.get("end_session_endpoint", "")] if oidc.enabled else []
    return sorted({f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" for url in urls if url})


# --- Claims → Tandem -----------------------------------------------------------------


def _values(claim) -> list[str]:
    if claim is None:
        return []
    if isinstance(claim, str):
        return [claim]
    if isinstance(claim, Iterable) and not isinstance(claim, Mapping):
        return [str(item) for item in claim if isinstance(item, str | int)]
    return [str(claim)]


@dataclass(frozen=True)
class DepartmentMatch:
    """The department the claims name (``code``), or why there is none (``received``: what came)."""

    code: str | None
    received: tuple[str, ...] = ()
    ambiguous: bool = False


def map_department(claims: Mapping, oidc: OIDCConfig) -> DepartmentMatch:
    """The department the department claim names; none when it is missing, names no known
    department, or (a list of groups) names two different ones."""
    received = tuple(_values(claims.get(oidc.department_claim)))
    codes = {oidc.department_map[value.casefold()] for value in received if value.casefold() in oidc.department_map}
    if len(codes) == 1:
        return DepartmentMatch(codes.pop(), received)
    return DepartmentMatch(None, received, ambiguous=len(codes) > 1)


def is_executive(claims: Mapping, oidc: OIDCConfig) -> bool | None:
    """Whether the executive claim names one of the executive groups; ``None`` when no executive
    groups are configured (the flag is then an administrator's to set, and logins leave it alone)."""
    if not oidc.executive_groups:
        return None
    return any(value.casefold() in oidc.executive_groups for value in _values(claims.get(oidc.executive_claim)))


# --- Discovery (on first use) ------------------------------------------------------------


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read."""


_metadata: dict[str, dict] = {}
_lock = threading.Lock()


def metadata(oidc: OIDCConfig) -> dict:
    """Every endpoint: the configured ones, the rest from ``<issuer>/.well-known/openid-configuration``,
    fetched once per process on first use (a provider that is down does not stop Tandem starting)."""
    if all(key in oidc.endpoints for key in ENDPOINTS) or not oidc.issuer:
        return dict(oidc.endpoints)
    with _lock:
        if oidc.issuer not in _metadata:
            _metadata[oidc.issuer] = _discover(oidc)
    return {**_metadata[oidc.issuer], **oidc.endpoints}


def _discover(oidc: OIDCConfig) -> dict:
    import requests

    url = oidc.issuer + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=oidc.timeout)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {error}") from error
    if str(document.get("issuer", "")).rstrip("/") != oidc.issuer:
        raise ProviderUnavailable(f"{url} names issuer {document.get('issuer')!r}, not {oidc.issuer!r}.")
    return {key: document[key] for key in ENDPOINTS if document.get(key)}


def forget_metadata() -> None:
    """Fetch the discovery document again on next use (tests; a provider that moved its endpoints)."""
    with _lock:
        _metadata.clear()
