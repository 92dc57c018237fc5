"""What the API reads and writes, as DRF serializers (they describe the OpenAPI schema too).

Input serializers only parse and type-check; every rule is the services' (their
``ValidationError`` comes back in the same ``{"errors": …}`` shape, docs/api.md).
"""

from rest_framework import serializers

from governance.models import Side, User
from projects.models import ProjectStatus, StepStatus
from raci.models import Role


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class ProjectSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    problem = serializers.CharField()
    status = serializers.ChoiceField(choices=ProjectStatus.choices)
    owner = PersonSerializer()
    marketing_sponsor = PersonSerializer(allow_null=True)
    it_sponsor = PersonSerializer(allow_null=True)
    it_lead = PersonSerializer(allow_null=True)
    budget_owner_side = serializers.ChoiceField(choices=Side.choices)
    requirements_side = serializers.ChoiceField(choices=Side.choices)
    target_launch = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()


class ProjectDetailSerializer(ProjectSerializer):
    version = serializers.IntegerField(help_text="Send it back with a change: a stale one is refused (409).")


def _person_field(help_text: str):
    return serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), allow_null=True, required=False, help_text=help_text
    )


class ProjectWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    problem = serializers.CharField()
    status = serializers.ChoiceField(choices=ProjectStatus.choices, required=False)
    marketing_sponsor = _person_field("User id of the marketing sponsor (Marketing side).")
    it_sponsor = _person_field("User id of the IT sponsor (IT).")
    it_lead = _person_field("User id of the IT lead (IT).")
    budget_owner_side = serializers.ChoiceField(choices=Side.choices, required=False)
    requirements_side = serializers.ChoiceField(choices=Side.choices, required=False)
    target_launch = serializers.DateField(allow_null=True, required=False)


class ProjectUpdateSerializer(ProjectWriteSerializer):
    """Only the fields sent change; ``version`` is required."""

    version = serializers.IntegerField(help_text="The version read (GET); a stale one is refused with 409.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = name == "version"


class StepSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=StepStatus.choices)
    due_date = serializers.DateField(allow_null=True)
    blocked_reason = serializers.CharField()
    outcome = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    accountable = PersonSerializer(allow_null=True, help_text="The active Accountable person, if any.")
    responsible = PersonSerializer(many=True)


class StepDetailSerializer(StepSerializer):
    version = serializers.IntegerField()


class PlanItemSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1, max_value=10)
    due_date = serializers.DateField(allow_null=True)
    version = serializers.IntegerField(required=False, allow_null=True, help_text="The step's version read.")


class PlanSerializer(serializers.Serializer):
    steps = PlanItemSerializer(many=True, allow_empty=False)


class TransitionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class MatrixStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    name = serializers.CharField()


class MatrixCellSerializer(serializers.Serializer):
    step = serializers.IntegerField(help_text="Step number.")
    person = serializers.IntegerField(help_text="User id.")
    role = serializers.ChoiceField(choices=Role.choices)


class MatrixSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    steps = MatrixStepSerializer(many=True)
    people = PersonSerializer(many=True)
    cells = MatrixCellSerializer(many=True)


ROLE_OR_NONE = [*Role.values, ""]


class MatrixWriteSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The matrix version read (GET); a stale one is refused with 409.")
    rows = serializers.DictField(
        child=serializers.DictField(child=serializers.ChoiceField(choices=ROLE_OR_NONE)),
        help_text='{"<user id>": {"<step number>": "R"|"A"|"C"|"I"|""}}. People and steps left out lose their roles.',
    )


class StepAssignmentsSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The matrix version read (GET); a stale one is refused with 409.")
    assignments = serializers.DictField(
        child=serializers.ChoiceField(choices=ROLE_OR_NONE),
        help_text='{"<user id>": "R"|"A"|"C"|"I"}. Whoever holds a role on the step and is left out loses it.',
    )


class ResultSerializer(serializers.Serializer):
    step = serializers.IntegerField(required=False)
    total = serializers.IntegerField()
