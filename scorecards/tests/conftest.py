import pytest

from scorecards import services
from scorecards.defaults import ensure_default_criteria
from scorecards.models import Criterion


@pytest.fixture
def default_criteria(django_db_blocker):
    """The ten defaults, even after a transactional test flushed the migration's rows."""
    with django_db_blocker.unblock():
        ensure_default_criteria()


@pytest.fixture
def example(default_criteria, project, owner, it_lead, member):
    # Both sponsors named (vendor decisions need both): the owner for Marketing, the IT lead for IT.
    project.marketing_sponsor, project.it_sponsor = owner, it_lead
    project.save(update_fields=["marketing_sponsor", "it_sponsor"])
    Criterion.objects.filter(name="Security").update(weight=2)
    Criterion.objects.filter(name="Customer experience").update(minimum=3)
    sc = services.scorecard_for(project)
    criteria = {c.name: c for c in sc.criteria.all()}
    candidates = {name: services.candidate_save(actor=owner, scorecard=sc, name=name) for name in ("A", "B", "C")}
    exceptions = {
        ("A", "bob", "Security"): 1,
        ("B", "ivan", "Customer experience"): 2,
        ("B", "alice", "Customer experience"): 2,
        ("B", "bob", "Customer experience"): 3,
        ("C", "ivan", "Scalability"): 2,
        ("C", "alice", "Scalability"): 2,
        ("C", "bob", "Scalability"): 3,
    }
    for name, candidate in candidates.items():
        for rater in (it_lead, owner, member):
            scores = {c.pk: exceptions.get((name, rater.username, c.name), 4) for c in criteria.values()}
            services.ratings_save(actor=rater, candidate=candidate, scores=scores, comments={}, submit=True)
    return sc, candidates, criteria
