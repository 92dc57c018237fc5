"""The error shape in the OpenAPI schema (one component, every status that may answer)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Errors",
    fields={
        "errors": serializers.DictField(
            help_text='Messages per field; "__all__" for the request as a whole; "matrix" per step and person.'
        ),
        "version": serializers.IntegerField(required=False, help_text="409 only: the current version."),
    },
)

DESCRIPTIONS = {
    400: "A broken rule or bad input.",
    401: "No credential, or a bad, revoked or expired token.",
    403: "Visible but not allowed (a read-only token writing, too).",
    404: "Missing, or not visible to you.",
    409: "Someone changed it after you read it: read it again.",
    429: "Too many requests for this token.",
}


def errors_for(*statuses: int) -> dict:
    return {code: OpenApiResponse(ErrorSerializer, description=DESCRIPTIONS[code]) for code in (*statuses, 401, 429)}


ERRORS = errors_for(400, 403, 404, 409)


class TokenScheme(OpenApiAuthenticationExtension):
    """Tells the schema how ``api.authentication.TokenAuthentication`` signs a caller in."""

    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (Preferences → API tokens): tdm_<prefix>_<secret>.",
        }


PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="The page, from 1."),
    OpenApiParameter("page_size", int, description="Rows per page, 1 to 100 (default 25)."),
]


def paginated(item_serializer, name: str):
    """A page of ``item_serializer`` rows as ``api.pagination.Pagination`` answers it."""
    return inline_serializer(
        name=f"Paginated{name}",
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.CharField(allow_null=True),
            "previous": serializers.CharField(allow_null=True),
            "results": item_serializer(many=True),
        },
    )


# Path parameters as the URL patterns accept them, so a generated request reaches the view.
SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, pattern=r"^[-a-zA-Z0-9_]+$", description="Project slug.")
ID = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}
NUMBER = OpenApiParameter("number", ID, OpenApiParameter.PATH, description="Step number, 1 to 10.")
CANDIDATE = OpenApiParameter("candidate_id", ID, OpenApiParameter.PATH, description="Candidate id.")
TRANSITION = OpenApiParameter("transition", str, OpenApiParameter.PATH, enum=["start", "finish", "block", "reopen"])


def path_schema(*parameters):
    """Class-level ``extend_schema`` documenting a view's path parameters."""
    return extend_schema(parameters=list(parameters))
