"""The alignment models move here from the governance app, rows and tables untouched.

Only Django's record of which app owns them changes (governance 0005 forgets
them in the same step); the next migration gives the tables this app's names.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("governance", "0004_round_summary"),
        ("projects", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Dimension',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.SlugField(max_length=40, unique=True)),
                        ('name', models.CharField(max_length=120)),
                        ('question', models.TextField()),
                        ('guidance', models.TextField(help_text='What to do next when this dimension is among the weakest.')),
                        ('position', models.PositiveSmallIntegerField(default=0)),
                        ('is_active', models.BooleanField(default=True, help_text='Inactive dimensions are left out of new rounds.')),
                    ],
                    options={
                        'db_table': 'governance_dimension',
                        'ordering': ['position', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='AlignmentRound',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200)),
                        ('opened_at', models.DateTimeField(auto_now_add=True)),
                        ('closes_at', models.DateTimeField(help_text='Answers are accepted until this moment; results appear after it.')),
                        ('opened_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('project', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='alignment_rounds', to='projects.project')),
                    ],
                    options={
                        'db_table': 'governance_alignmentround',
                        'ordering': ['-closes_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='DimensionLevel',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('level', models.PositiveSmallIntegerField()),
                        ('description', models.TextField()),
                        ('dimension', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='levels', to='alignment.dimension')),
                    ],
                    options={
                        'db_table': 'governance_dimensionlevel',
                        'ordering': ['dimension', 'level'],
                    },
                ),
                migrations.CreateModel(
                    name='RoundDimension',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveSmallIntegerField()),
                        ('key', models.SlugField(max_length=40)),
                        ('name', models.CharField(max_length=120)),
                        ('question', models.TextField()),
                        ('guidance', models.TextField(blank=True)),
                        ('levels', models.JSONField(help_text='The five level descriptions, level 1 first.')),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='dimensions', to='alignment.alignmentround')),
                    ],
                    options={
                        'db_table': 'governance_rounddimension',
                        'ordering': ['round', 'position', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='RoundInvitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('invited_at', models.DateTimeField(auto_now_add=True)),
                        ('answered_at', models.DateTimeField(blank=True, null=True)),
                        ('side', models.CharField(blank=True, choices=[('marketing', 'Marketing'), ('it', 'IT')], help_text='Snapshot when answering.', max_length=20)),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='alignment.alignmentround')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='alignment_invitations', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'governance_roundinvitation',
                        'ordering': ['round', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='RoundAnswer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('level', models.PositiveSmallIntegerField()),
                        ('comment', models.TextField(blank=True, max_length=1000)),
                        ('dimension', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='alignment.rounddimension')),
                        ('invitation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='alignment.roundinvitation')),
                    ],
                    options={'db_table': 'governance_roundanswer'},
                ),
                migrations.AddIndex(
                    model_name='alignmentround',
                    index=models.Index(fields=['project', 'closes_at'], name='alignment_round_scope_idx'),
                ),
                migrations.AddConstraint(
                    model_name='dimensionlevel',
                    constraint=models.UniqueConstraint(fields=('dimension', 'level'), name='dimension_level_unique'),
                ),
                migrations.AddConstraint(
                    model_name='dimensionlevel',
                    constraint=models.CheckConstraint(condition=models.Q(('level__gte', 1), ('level__lte', 5)), name='dimension_level_in_scale'),
                ),
                migrations.AddConstraint(
                    model_name='rounddimension',
                    constraint=models.UniqueConstraint(fields=('round', 'key'), name='round_dimension_unique_key'),
                ),
                migrations.AddConstraint(
                    model_name='roundinvitation',
                    constraint=models.UniqueConstraint(fields=('round', 'user'), name='round_invitation_once'),
                ),
                migrations.AddConstraint(
                    model_name='roundinvitation',
                    constraint=models.CheckConstraint(condition=models.Q(('side__in', ['marketing', 'it', ''])), name='round_invitation_side_valid'),
                ),
                migrations.AddConstraint(
                    model_name='roundanswer',
                    constraint=models.UniqueConstraint(fields=('invitation', 'dimension'), name='round_answer_once_per_dimension'),
                ),
                migrations.AddConstraint(
                    model_name='roundanswer',
                    constraint=models.CheckConstraint(condition=models.Q(('level__gte', 1), ('level__lte', 5)), name='round_answer_level_in_scale'),
                ),
                migrations.CreateModel(
                    name='RoundSummary',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('closes_at', models.DateTimeField(help_text="The round's closing time these sums were computed for.")),
                        ('groups', models.JSONField(help_text='Per side: [sum of levels, answers, respondents].')),
                        ('round', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='summary', to='alignment.alignmentround')),
                    ],
                    options={'db_table': 'governance_roundsummary'},
                ),
            ],
            database_operations=[],
        ),
    ]
