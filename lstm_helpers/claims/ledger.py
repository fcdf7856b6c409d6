"""The ledger's entries and how they run: :class:`Claim` (one statement of the slides and its test), :class:`Result`
(a claim with what its test found), :func:`run_claims` (a list of claims, measurements shared, progress bar).

A claim's ``notebook`` is a notebook file of the series and ``heading`` the text of the section heading there
that measures it; :attr:`Claim.link` is the relative link ``NN_name.ipynb#Section-heading`` (the heading's
text with markdown emphasis removed and spaces as '-', as JupyterLab names a heading's anchor; quotes and
non-ASCII characters percent-encoded).
"""
from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Callable

from tqdm.auto import tqdm

from .measures import Evidence
from .verdicts import Outcome

ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NOTEBOOK = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")
# What a browser leaves as it is in a URL fragment (the WHATWG fragment percent-encode set is the C0 controls, space,
# '"', '<', '>' and '`'; non-ASCII characters are encoded too): JupyterLab compares that text with the heading's id.
# '$' and '\\' are encoded as well, so that a heading's formula is not typeset inside a markdown link.
FRAGMENT_SAFE = "".join(chr(c) for c in range(33, 127) if chr(c) not in '"<>`%$\\')


def anchor(heading: str) -> str:
    """The anchor JupyterLab gives a markdown heading: its text without emphasis markers, spaces as '-'.

    >>> anchor('3. When does *"LSTM memory persists 100+"* hold?')
    '3.-When-does-"LSTM-memory-persists-100+"-hold?'
    """
    parts = re.split(r"(\$[^$]*\$)", heading.strip())            # keep math as written
    text = "".join(p if p.startswith("$") else re.sub(r"[*`]", "", p) for p in parts)
    return text.replace(" ", "-")


@dataclass(frozen=True)
class Claim:
    """One statement of the slides and how the series tests it.

    Attributes:
        id: short kebab-case name.  slide: the slide's own words.  section: the slide section, as the slides
        group them.  notebook: the notebook file that measures it.  heading: that notebook's section heading.
        judge: ``judge(ev) -> Outcome``, the test: it reads measurements from ``ev`` (:class:`~.measures.Evidence`)
        and computes the verdict (:mod:`.verdicts`).  note: what a reader should know about the measurement
        (e.g. a smaller budget than the notebook's).
    """

    id: str
    slide: str
    section: str
    notebook: str
    heading: str
    judge: Callable = field(repr=False)
    note: str = ""

    def __post_init__(self):
        where = f"Claim({self.id!r})"
        if not isinstance(self.id, str) or not ID.match(self.id):
            raise ValueError(f"{where}: argument 'id' must be short kebab-case (a-z, 0-9, '-'), but it is {self.id!r}.")
        if not isinstance(self.notebook, str) or not NOTEBOOK.match(self.notebook):
            raise ValueError(f"{where}: argument 'notebook' must be a file name such as '02_memory_gap.ipynb', "
                             f"but it is {self.notebook!r}.")
        for name in ("slide", "section", "heading"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{where}: argument {name!r} must be non-empty text, but it is {value!r}.")
        if not callable(self.judge):
            raise TypeError(f"{where}: argument 'judge' must be a function ev -> Outcome.")

    @property
    def link(self) -> str:
        """The relative link to the measuring section: 'NN_name.ipynb#Section-heading', the anchor encoded as a browser
        encodes a fragment (quotes and non-ASCII characters percent-encoded, the rest as it is; '$' and '\\' too)."""
        return f"{self.notebook}#{urllib.parse.quote(anchor(self.heading), safe=FRAGMENT_SAFE)}"


@dataclass(frozen=True)
class Result:
    """A claim with the outcome of its test: ``claim`` (:class:`Claim`) and ``outcome`` (:class:`~.verdicts.Outcome`);
    their fields read through it too (``result.id``, ``result.verdict``, …)."""

    claim: Claim
    outcome: Outcome

    def __getattr__(self, name):               # result.verdict, result.section, … read the outcome and the claim
        if name in Outcome.__dataclass_fields__:
            return getattr(self.outcome, name)
        if name in Claim.__dataclass_fields__ or name == "link":
            return getattr(self.claim, name)
        raise AttributeError(f"Result has no attribute {name!r}")

    def as_dict(self) -> dict:
        """The JSON object of the claim: id, slide, section, notebook (the link), heading, verdict, condition,
        value, seeds, agree, note."""
        c, o = self.claim, self.outcome
        return {"id": c.id, "slide": c.slide, "section": c.section, "notebook": c.link, "heading": c.heading,
                "verdict": o.verdict, "condition": o.condition, "value": o.value, "seeds": o.seeds,
                "agree": o.agree, "note": c.note}


def run_claims(claims, *, progress: bool = True, evidence: Evidence | None = None) -> list[Result]:
    """Test ``claims`` in order; measurements shared by several claims are made once (``evidence``: a run's cache,
    new if None). ``progress``: a tqdm bar (in a terminal on stderr), one tick per claim."""
    claims = list(claims)
    for c in claims:
        if not isinstance(c, Claim):
            raise TypeError(f"run_claims(): argument 'claims' must hold Claim entries, but it holds {type(c).__name__}.")
    ev = Evidence() if evidence is None else evidence
    results = []
    with tqdm(claims, desc="claims ledger", unit="claim", disable=not progress) as bar:
        for c in bar:
            bar.set_postfix_str(c.id, refresh=False)
            outcome = c.judge(ev)
            if not isinstance(outcome, Outcome):
                raise TypeError(f"run_claims(): claim {c.id!r} returned {type(outcome).__name__}, not an Outcome.")
            results.append(Result(c, outcome))
    return results
