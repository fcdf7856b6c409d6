"""The claims ledger: every statement of the slides, measured by the series, with a verdict computed from it.

Each :class:`Claim` holds the slide's own words, the slide section, the notebook section that measures it and a
test that reads the measurements (the same lesson functions the notebook calls, over the seeds protocol:
n >= 5 seeds where a model is trained or weights are drawn; counts, formulas and hand-wired cells are exact)
and computes its verdict (:mod:`.verdicts`): ``holds``, ``holds-if`` (with the condition in words),
``does-not-hold`` or ``not-measurable-here`` (with the reason), the value with its spread, the seeds used and
how many agree.

    from lstm_helpers import claims
    results = claims.run_ledger()                 # every claim, ~1 min on one core; run_ledger(["three-gates"])
    claims.report.markdown_tables(results)        # notebook 12's tables;  claims.report.text_table(results)

``python -m lstm_helpers.claims`` prints the ledger as a table (``--json``: a JSON list; ``--only ID ...``).
Modules: verdicts (the rules), ledger (Claim, Result, run_claims), measures (the shared measurements of a run),
measure_untrained / measure_trained (the measurements), entries_problem / entries_architecture /
entries_sentence / entries_practice (the claims, by slide section), catalog (all of them), report (text,
markdown, README), __main__ (the command line). The top layer of the package: it may import every other layer.
"""
from . import report, verdicts
from .catalog import CLAIMS, SECTIONS, claim_ids, run_ledger, select
from .ledger import Claim, Result, anchor, run_claims
from .measures import Evidence
from .verdicts import VERDICTS, Outcome, exact, not_measurable, seeded, spread

__all__ = ["CLAIMS", "SECTIONS", "VERDICTS", "Claim", "Evidence", "Outcome", "Result", "anchor", "claim_ids",
           "exact", "not_measurable", "report", "run_claims", "run_ledger", "seeded", "select", "spread", "verdicts"]
