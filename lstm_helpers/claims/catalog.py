"""Every claim of the slides, in the slides' order, and how to run all or some of them.

    CLAIMS                 the entries, grouped by slide section in the order the slides have them
    SECTIONS               the slide sections, in that order
    claim_ids()            every id
    select(ids)            the entries of some ids (ValueError naming the valid ids for an unknown one)
    run_ledger(ids=None)   test them: a list of :class:`~.ledger.Result`, one per claim
"""
from __future__ import annotations

from . import entries_architecture, entries_practice, entries_problem, entries_sentence
from . import measure_trained, measure_untrained   # noqa: F401  (registers the measurements)
from .ledger import Claim, Result, run_claims

CLAIMS: tuple[Claim, ...] = (*entries_problem.CLAIMS, *entries_architecture.CLAIMS, *entries_sentence.CLAIMS,
                             *entries_practice.CLAIMS)
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(c.section for c in CLAIMS))


def claim_ids() -> list[str]:
    """Every claim id, in the order of the ledger."""
    return [c.id for c in CLAIMS]


def unknown_ids_message(unknown) -> str:
    """The message for ids that are not in the ledger: which ones, and every valid id."""
    return (f"unknown claim id(s): {', '.join(map(repr, unknown))}. The valid ids are: {', '.join(claim_ids())}.")


def select(ids=None) -> list[Claim]:
    """The entries of ``ids`` (a list of ids, in the ledger's order; None: every claim).

    Raises TypeError if ``ids`` is not a list of strings, ValueError (listing the valid ids) for an unknown id.
    """
    if ids is None:
        return list(CLAIMS)
    if isinstance(ids, str) or not all(isinstance(i, str) for i in ids):
        raise TypeError(f"select(): argument 'ids' must be a list of claim ids (strings), but it is {ids!r}.")
    unknown = [i for i in ids if i not in claim_ids()]
    if unknown:
        raise ValueError("select(): " + unknown_ids_message(unknown))
    wanted = set(ids)
    return [c for c in CLAIMS if c.id in wanted]


def run_ledger(ids=None, *, progress: bool = True) -> list[Result]:
    """Measure and judge the claims ``ids`` (None: all): a list of :class:`~.ledger.Result` in the ledger's order.

    Measurements are made once per call and shared; ``progress`` shows a tqdm bar (on stderr in a terminal).
    """
    return run_claims(select(ids), progress=progress)


if len(set(claim_ids())) != len(CLAIMS):                     # a duplicated id is a bug of the entries
    raise RuntimeError("lstm_helpers.claims: two entries share an id: "
                       + ", ".join(sorted({i for i in claim_ids() if claim_ids().count(i) > 1})))
