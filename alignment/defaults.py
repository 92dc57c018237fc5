"""The default alignment questionnaire: the eight dimensions Tandem assesses, each
with five level descriptions from 1 "Marketing flying solo" to 5 "We are family".

Used by the data migration that creates them and by ``ensure_default_questionnaire``
(tests whose database was flushed, and an installation whose administrator
deleted the questionnaire by mistake).
"""

# key, name, question, guidance (what to do when the dimension is weak), levels 1..5
DIMENSIONS = [
    (
        "communication",
        "Communication lines and liaisons",
        "How do Marketing and IT talk to each other day to day?",
        "Name a liaison on each other's staff: a Marketing person who sits in IT's planning "
        "and an IT person who sits in Marketing's, with a standing weekly slot.",
        [
            "We talk only when something breaks; nobody knows whom to call on the other side.",
            "We know a few names, but contact depends on personal goodwill.",
            "Each side has a go-to person for the other, reached mostly by ticket or e-mail.",
            "Named liaisons on each other's staff meet regularly and pass news both ways.",
            "Liaisons are part of both teams; information flows before anyone asks.",
        ],
    ),
    (
        "vision",
        "Shared vision and roadmap",
        "Do Marketing and IT work from one vision and one technology roadmap?",
        "Build a joint roadmap with quick wins both sides can show within the first quarter, "
        "and review it together every quarter.",
        [
            "Marketing has its plans, IT has its own; neither has seen the other's.",
            "The plans are shared once a year, after they are decided.",
            "A common roadmap exists but is mostly Marketing's wish list or IT's backlog.",
            "One roadmap, drawn up together, with quick wins and shared priorities.",
            "Both sides own the vision and the roadmap and defend it to their own teams.",
        ],
    ),
    (
        "roles",
        "Documented roles and responsibilities",
        "Is it clear who is responsible and who is accountable at each step of a project?",
        "Document a RACI for every lifecycle step, with exactly one accountable person each "
        "(Tandem's RACI matrix), and revisit it when people change.",
        [
            "Nobody knows who owns what; things fall between the chairs.",
            "Roles are understood informally and argued over when something goes wrong.",
            "Roles are written down for large projects only.",
            "A documented RACI exists for every project, with one accountable person per step.",
            "Everyone knows and honours the RACI; it is updated as the project moves.",
        ],
    ),
    (
        "selection",
        "Joint technology selection",
        "How are marketing technologies and vendors chosen?",
        "Test-drive tools together and score every candidate on both IT's and Marketing's "
        "priorities before anything is bought.",
        [
            "Marketing buys tools on its own; IT hears about them when they need support.",
            "IT is asked to check a tool after Marketing has chosen it.",
            "IT reviews the shortlist, but the criteria are one side's.",
            "Both sides score candidates on shared criteria and decide together.",
            "Selection is one joint process: requirements, test drives and the decision are shared.",
        ],
    ),
    (
        "testing",
        "Testing together",
        "How do Marketing and IT test a solution before launch?",
        "Plan one test window: IT tests stability and security first, then Marketing "
        "validates against the requirements, with both signing off.",
        [
            "Solutions go live untested, or each side tests alone without telling the other.",
            "IT tests technically; Marketing finds the business problems after launch.",
            "Both sides test, but at different times and against different expectations.",
            "A shared test plan: IT tests stability, then Marketing validates the requirements.",
            "Testing is joint from the start, with agreed acceptance criteria and joint sign-off.",
        ],
    ),
    (
        "governance",
        "Governance and steering committee",
        "How are joint priorities, conflicts and decisions governed?",
        "Set up a steering committee with the CMO and CIO (or their delegates) that meets "
        "regularly, at least monthly, to set priorities and settle conflicts.",
        [
            "There is no joint forum; escalations go up each side separately.",
            "The CMO and CIO meet occasionally, when a crisis forces it.",
            "A steering group exists but meets irregularly or without decisions.",
            "A steering committee with both sides meets regularly and decides.",
            "Joint governance is routine: decisions, budgets and risks are owned together.",
        ],
    ),
    (
        "strategy",
        "IT involved from strategy on",
        "When is IT brought into Marketing's plans?",
        "Bring IT in at strategy: invite IT to campaign and customer-experience planning, "
        "not only to the build once the plan is fixed.",
        [
            "IT learns about Marketing's plans at launch, or not at all.",
            "IT is brought in when something has to be built or fixed.",
            "IT joins at requirements, after the strategy is set.",
            "IT takes part in strategy and shapes what is possible.",
            "Marketing and IT set the strategy together as one team.",
        ],
    ),
    (
        "support",
        "Ongoing support",
        "How are live marketing systems maintained and escalated?",
        "Agree who maintains each system and who escalates to the vendor, with response "
        "times, and review incidents together every month.",
        [
            "Nobody owns support; problems wait until someone complains loudly.",
            "IT supports what it must, reluctantly; Marketing works around problems.",
            "Support is assigned, but escalation to vendors is unclear.",
            "Agreed support with response times and a clear vendor escalation path.",
            "Support is a shared routine, reviewed together and improved continuously.",
        ],
    ),
]


def ensure_default_questionnaire(dimension_model=None, level_model=None) -> int:
    """Create any missing default dimension with its five levels; returns how many were created."""
    if dimension_model is None:
        from alignment.models import Dimension as dimension_model
        from alignment.models import DimensionLevel as level_model
    created = 0
    for position, (key, name, question, guidance, levels) in enumerate(DIMENSIONS, start=1):
        dimension, new = dimension_model.objects.get_or_create(
            key=key, defaults={"name": name, "question": question, "guidance": guidance, "position": position}
        )
        if new:
            level_model.objects.bulk_create(
                level_model(dimension=dimension, level=level, description=text)
                for level, text in enumerate(levels, start=1)
            )
            created += 1
    return created
