"""The glossary of the series: each technical term, the notebook section that defines it, and a one-line definition.

A first-time reader meets every term only after it is defined. ``tests/test_glossary.py`` enforces that on the
stored notebooks, read in order (00, 01, …), with these rules:

* **What is read.** What a student reads: markdown cells (without code spans, code blocks, HTML comments and
  link targets, which name code or files, not ideas) and the stored outputs of code cells that are text
  (printed lines, captions, self-check results) or figures' alt text. Code is not read: identifiers such as
  ``lh.Adam`` or ``forget_bias="chrono"`` are names, not uses of a term. The glossary section of notebook 00
  (:data:`GLOSSARY_HEADING`) is not read either: it is the list of definitions.
* **Where a term is defined.** Each :class:`Term` names a notebook and a section heading (``section`` is a piece of
  the heading's text; exactly one heading of that notebook contains it). The section runs from its heading to
  the next heading of the same or a higher level, and writes the term in **bold** at least once: the bold
  occurrence is the definition.
* **Too early.** A use of a term in an earlier notebook, or in the defining notebook before the defining
  heading, fails, unless the use is itself a definition in place (:func:`is_definition`): the term is written in
  bold, and the bold text is followed by a gloss in parentheses of two words or more (``**attractors** (nouns of
  the other number)``), or — after at most one ``$…$`` formula and one parenthesis such as an abbreviation — by
  ``—``, ``–``, ``:``, ``=``, ``is``, ``are``, ``means``, ``, a``/``, an``/``, the`` or ``, i.e.``; or the bold
  text itself ends with ``:`` or ``—``. An abbreviation alone (``**bits per character** (bpc)``) defines nothing.
  Such a definition also covers the later uses in the same notebook (not in other notebooks).
* **Spellings.** ``patterns`` are regular expressions, matched case-insensitively unless ``case_sensitive``; a
  space in a pattern matches any run of white space, line breaks included.

:func:`glossary_markdown` is the table that notebook 00's appendix displays.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

#: The heading (a piece of its text) of notebook 00's glossary section, which the glossary test does not read.
GLOSSARY_HEADING = "Glossary"


@dataclass(frozen=True)
class Term:
    """One glossary entry: ``name`` as listed, its spellings, where it is defined and what it means."""

    name: str
    patterns: tuple[str, ...]
    notebook: str                 # the notebook's number, e.g. "01"
    section: str                  # a piece of the defining heading's text
    definition: str               # one line, plain words
    case_sensitive: bool = False
    regex: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        flags = 0 if self.case_sensitive else re.IGNORECASE
        # a space or '[- ]' in a spelling also matches a line break (markdown wraps its lines)
        spellings = [p.replace("[- ]", r"[-\s]").replace(" ", r"\s+") for p in self.patterns]
        object.__setattr__(self, "regex", re.compile("|".join(f"(?:{p})" for p in spellings), flags))


def _t(name, patterns, notebook, section, definition, **kw) -> Term:
    return Term(name, tuple(patterns), notebook, section, definition, **kw)


S00_MEMORY, S00_GATE = "Why a network needs memory", "What a gate is"
S01_RNN, S01_BPTT, S01_SCALAR, S01_RHO = "The RNN, in the slides", "BPTT is a product", "The scalar picture", "spectral radius"
S02_CHALLENGE, S02_SPAN, S02_WHEN = "The challenge", "Measuring the memory span", "When does"
S08_TRAIN, S08_UNITS = "Train small LSTM language models", "Which units hold the subject"

TERMS: tuple[Term, ...] = (
    # 00: the story
    _t("recurrent neural network (RNN)", [r"\bRNNs?\b", r"\b[Rr]ecurrent (?:neural )?networks?\b"], "00", S00_MEMORY,
       "A network that reads a sequence one item per step and feeds its own memory of the past back in at the next step.",
       case_sensitive=True),
    _t("hidden state", [r"\bhidden states?\b"], "00", S00_MEMORY,
       "An RNN's memory: the list of numbers h_t it carries from one step to the next (and shows as its output)."),
    _t("unit", [r"\bunits?\b"], "00", S00_MEMORY,
       "One number of a hidden state or cell state (one 'neuron'); H units side by side make the state."),
    _t("weight", [r"\bweights?\b"], "00", S00_MEMORY,
       "A number inside the network that multiplies an input; training adjusts the weights."),
    _t("training", [r"\btrain(?:s|ed|ing)?\b"], "00", S00_MEMORY,
       "Adjusting the weights, step by step, so that the network's answers on examples get better."),
    _t("gradient", [r"\bgradients?\b"], "00", S00_MEMORY,
       "How much the error changes when one weight (or one state) changes a little: the signal training learns from."),
    _t("vanishing gradient", [r"\bvanish(?:es|ing|ed)?\b"], "00", S00_MEMORY,
       "A gradient that shrinks towards zero as it is carried back over many steps, so early inputs stop being learned."),
    _t("exploding gradient", [r"\bexplod(?:e|es|ed|ing)\b", r"\bexplosion\b"], "00", S00_MEMORY,
       "A gradient that grows without bound as it is carried back over many steps."),
    _t("LSTM (Long Short-Term Memory)", [r"\bLSTMs?\b", r"\b[Ll]ong [Ss]hort-[Tt]erm [Mm]emory\b"], "00", S00_MEMORY,
       "A recurrent network with a separate memory, the cell state, that gates erase, write and read.",
       case_sensitive=True),
    # 00: what a gate is
    _t("gate", [r"\bgat(?:e|es|ed|ing)\b"], "00", S00_GATE,
       "A number between 0 and 1 that multiplies a signal: 1 lets all of it through, 0 blocks it."),
    _t("cell state", [r"\bcell[- ]states?\b"], "00", S00_GATE,
       "The LSTM's memory C_t, its 'notebook': changed only by erasing (times the forget gate) and adding."),
    _t("forget gate", [r"\bforget[- ]gates?\b"], "00", S00_GATE,
       "f_t, the eraser: the fraction of each note of the cell state that is kept."),
    _t("input gate", [r"\binput[- ]gates?\b"], "00", S00_GATE,
       "i_t, the pen: how much of the candidate is written into the cell state."),
    _t("candidate", [r"\bcandidates?\b"], "00", S00_GATE,
       "C̃_t, what the pen would write: new values between −1 and 1 computed from the input."),
    _t("output gate", [r"\boutput[- ]gates?\b"], "00", S00_GATE,
       "o_t, the highlighter: how much of each unit of the cell state is shown as the output h_t."),
    _t("sigmoid", [r"\bsigmoids?\b"], "00", S00_GATE,
       "σ(a) = 1 / (1 + e^(−a)): squashes any number into (0, 1); every gate is a sigmoid."),
    _t("bias", [r"\bbias(?:es)?\b"], "00", S00_GATE,
       "A number added before the squashing function: it sets what a gate does when the input is silent."),
    _t("parameter", [r"\bparameters?\b"], "00", S00_GATE,
       "The weights and biases together: every number that training adjusts."),
    # 00: appendix (notation)
    _t("elementwise", [r"\belement-?wise\b"], "00", "notation of the slides",
       "Entry by entry: the elementwise product ⊙ multiplies the first entries, the second entries, and so on."),
    # 01
    _t("tanh", [r"\btanh\b"], "01", S01_RNN,
       "The hyperbolic tangent: squashes any number into (−1, 1); tanh′ = 1 − tanh²."),
    _t("nonlinearity", [r"\bnon-?linearit(?:y|ies)\b"], "01", S01_RNN,
       "The squashing function φ applied to every unit (tanh, the sigmoid, or none: 'linear')."),
    _t("Jacobian", [r"\bJacobians?\b"], "01", S01_BPTT,
       "The matrix of how each output moves with each input: entry (i, j) is ∂output_i / ∂input_j."),
    _t("BPTT (backpropagation through time)", [r"\bBPTT\b", r"\bback-?propagat\w*"], "01", S01_BPTT,
       "Computing the gradient of an unrolled network with the chain rule, step by step from the last step back."),
    _t("loss", [r"\bloss(?:es)?\b"], "01", S01_BPTT,
       "The number training makes small: how wrong the network's answers are."),
    _t("lag", [r"\blags?\b"], "01", S01_BPTT,
       "How many steps back: lag k compares step T with step T − k."),
    _t("finite differences", [r"\bfinite[- ]differences?\b"], "01", S01_BPTT,
       "A derivative measured by nudging: (g(x + ε) − g(x − ε)) / 2ε, to check one computed by formulas."),
    _t("half-life", [r"\bhalf[- ]li(?:fe|ves)\b"], "01", S01_SCALAR,
       "Steps until a factor f per step leaves half of a signal: ln 0.5 / ln f."),
    _t("eigenvalue", [r"\beigenvalues?\b"], "01", S01_RHO,
       "A number λ with W v = λ v for some vector v ≠ 0: along v, the matrix W only stretches, by λ."),
    _t("spectral radius", [r"\bspectral radi(?:us|i)\b"], "01", S01_RHO,
       "ρ(W), the largest |eigenvalue| of a square matrix: the growth per step of W^k in the long run."),
    _t("largest singular value (spectral norm)", [r"\bsingular values?\b", r"\bspectral norms?\b", r"\bs_max\b",
                                                  r"s_\{\\max\}"], "01", S01_RHO,
       "s_max(W) = ‖W‖₂, the most W can stretch any vector: max ‖W v‖ / ‖v‖; s_max ≥ ρ."),
    _t("saturation", [r"\bsaturat\w*"], "01", S01_RHO,
       "A unit saturates when its value is near the ends of tanh (±1) or σ (0, 1), where the curve is flat."),
    _t("seed", [r"\bseeds?\b", r"\bseeded\b"], "01", S01_RHO,
       "The number that starts a random-number generator: the same seed gives the same 'random' weights and data."),
    _t("batch", [r"\bbatch(?:es)?\b"], "01", S01_RHO,
       "Several sequences processed together, one row each (B of them)."),
    _t("gradient clipping", [r"\bclip(?:s|ped|ping)?\b"], "01", "what clipping does",
       "Scaling a gradient down when its length exceeds a limit, keeping its direction."),
    _t("initialisation", [r"\biniti[ae]li[sz]ations?\b"], "01", "The additive path",
       "The values the weights and biases start from, before any training."),
    _t("forget bias", [r"\bforget[- ]bias(?:es)?\b"], "01", "The additive path",
       "b_f, the bias of the forget gate: with a silent input the gate is σ(b_f), so it sets how long notes last."),
    # 02
    _t("one-hot", [r"\bone-hot\b"], "02", S02_CHALLENGE,
       "A vector of zeros with a single 1 at the position of the symbol (or word) it encodes."),
    _t("recall task", [r"\brecall tasks?\b"], "02", S02_CHALLENGE,
       "See a symbol, then distractors for a number of steps (the lag), then name the symbol."),
    _t("memory span", [r"\bmemory spans?\b"], "02", S02_SPAN,
       "The longest lag at which a trained model still solves the recall task."),
    _t("learning rate", [r"\blearning[- ]rates?\b"], "02", S02_SPAN,
       "The size of one training step: how far the weights move along the gradient."),
    _t("Adam", [r"\bAdam\b"], "02", S02_SPAN,
       "A training rule that scales each weight's step by running averages of its gradients.", case_sensitive=True),
    _t("validation", [r"\bvalidation\b"], "02", S02_SPAN,
       "Examples kept out of training, used to choose settings or to decide when to stop."),
    _t("read-out", [r"\bread-?outs?\b"], "02", S02_SPAN,
       "The layer after the recurrent one that turns the state into scores for the answers."),
    _t("orthogonal initialisation", [r"\borthogonal\b"], "02", S02_SPAN,
       "Starting W_hh as a random orthogonal matrix: every singular value (and |eigenvalue|) is 1."),
    _t("identity initialisation (IRNN)", [r"\bIRNNs?\b", r"\bidentity (?:start|initiali[sz]ation)"], "02", S02_SPAN,
       "Starting W_hh as the identity matrix with a ReLU nonlinearity (Le, Jaitly & Hinton 2015)."),
    _t("ReLU", [r"\bReLUs?\b"], "02", S02_SPAN,
       "The rectifier max(0, a): zero for negative inputs, the input itself otherwise.", case_sensitive=True),
    _t("chrono initialisation", [r"\bchrono\b"], "02", S02_SPAN,
       "Forget biases drawn so that units keep notes over time scales up to a chosen maximum, and b_i = −b_f "
       "(Tallec & Ollivier 2018)."),
    _t("ablation", [r"\bablat(?:e|ed|es|ing|ions?)\b"], "02", S02_WHEN,
       "Switching a part off (or fixing it) to measure what it contributes."),
    # 04, 06, 07
    _t("logit", [r"\blogits?\b"], "04", "The running example",
       "The inverse of the sigmoid, logit(p) = ln(p / (1 − p)): the input that gives the gate value p."),
    _t("softmax", [r"\bsoftmax\b"], "06", "to the next word",
       "Turns scores z into probabilities: e^(z_j) / Σ e^(z_k)."),
    _t("gradient check", [r"\bgradient[- ]checks?\b"], "07", "numerical gradient check",
       "Comparing the gradients of the backward formulas with finite differences, parameter by parameter."),
    _t("cross-entropy", [r"\bcross[- ]entropy\b"], "07", "Measured gradient flow",
       "The loss −ln p(correct answer): small when the model gives the right answer a high probability."),
    # 08
    _t("language model", [r"\blanguage models?\b"], "08", S08_TRAIN,
       "A model that predicts the next word (or character) from the ones before."),
    _t("held-out", [r"\bheld[- ]out\b"], "08", S08_TRAIN,
       "Kept out of training: held-out examples measure what the model learned, not what it memorised."),
    _t("early stopping", [r"\bearly[- ]stopping\b"], "08", S08_TRAIN,
       "Ending training as soon as a held-out score reaches a target (or stops improving)."),
    _t("entropy", [r"(?<!cross-)(?<!cross\s)\bentropy\b"], "08", S08_TRAIN,
       "The average surprise −Σ p ln p of a distribution: the loss even a perfect model cannot beat."),
    _t("linear probe", [r"\blinear probes?\b", r"\bthe probes?\b", r"\bprobes? (?:reads?|accuracy)\b"], "02", S02_WHEN,
       "A linear read-out trained on a frozen network's states to test what they hold."),
    _t("η² (eta squared)", [r"η²", r"\\eta\^\{?2\}?", r"\beta squared\b"], "08", S08_UNITS,
       "The share of a unit's variance explained by a category (here: the subject), from 0 (none) to 1 (all)."),
    # 09, 11
    _t("attractor", [r"\battractors?\b"], "09", "The task: was or were",
       "A noun between subject and verb whose number differs from the subject's ('the cat near the mice was')."),
    _t("n-gram", [r"\bn-grams?\b", r"\b(?:uni|bi|tri)grams?\b"], "11", "against n-gram baselines",
       "A model that predicts the next character from only the n − 1 characters before it, by counting."),
    _t("bits per character", [r"\bbits per character\b", r"\bbits/char\b", r"\bbpc\b"], "11",
       "what it writes before training",
       "Cross-entropy in base 2 per character: how many yes/no questions the next character costs the model."),
    _t("temperature", [r"\btemperatures?\b"], "11", "Temperature",
       "The divisor of the scores before the softmax when sampling: below 1 sharper, above 1 flatter."),
    _t("encoder–decoder", [r"\b(?:en|de)coders?\b"], "11", "handwriting: what changes",
       "One recurrent network reads the input into a vector, a second one writes the output from it."),
    _t("teacher forcing", [r"\bteacher[- ]forc\w*"], "11", "A runnable thought vector",
       "Training a decoder on the true previous output instead of its own guess."),
)

# ----------------------------------------------------------------------------------------------- the rules
_CODE_BLOCK = re.compile(r"```.*?```|~~~.*?~~~", re.S)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_LINK_TARGET = re.compile(r"(?<=\])\([^)\s]*\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)
# after the bold term: a gloss in parentheses of two words or more, or (after at most one formula and one
# parenthesis, e.g. an abbreviation) a dash, colon, '=', 'is', 'are', 'means' or an apposition ', a/an/the/i.e.'
_MARKER = re.compile(r"\s*\(\s*[^\s)]+\s+[^)]*\)"
                     r"|\s*(?:\$[^$\n]*\$\s*)?(?:\([^)\n]*\)\s*)?(?:[—–:=]|(?:is|are|means)\b|,\s*(?:an?|the|i\.e\.)\s)")
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)


def prose(markdown: str) -> str:
    """The markdown a student reads as words: code blocks, code spans, HTML comments and link targets blanked
    out by spaces (so that every position stays where it was)."""
    text = markdown
    for rx in (_CODE_BLOCK, _COMMENT, _CODE_SPAN, _LINK_TARGET):
        text = rx.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return text


def find_terms(text: str, terms=TERMS) -> list[tuple[Term, int, int]]:
    """Every use of a glossary term in ``text``: (term, start, end), in order of position."""
    found = [(t, m.start(), m.end()) for t in terms for m in t.regex.finditer(text)]
    return sorted(found, key=lambda x: (x[1], x[0].name))


def bold_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(start, end, inner_start, inner_end) of every ``**bold**`` span of a markdown text."""
    return [(m.start(), m.end(), m.start(1), m.end(1)) for m in _BOLD.finditer(text)]


def is_bold(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] lies inside a ``**bold**`` span."""
    return any(s1 <= start and end <= e1 for _, _, s1, e1 in bold_spans(text))


def is_definition(text: str, start: int, end: int) -> bool:
    """Whether the use text[start:end] is a definition in place (module docstring): inside ``**bold**`` that
    ends with ':' or '—', or is followed by a gloss in parentheses or a definition marker."""
    for s, e, s1, e1 in bold_spans(text):
        if s1 <= start and end <= e1:
            inner = text[s1:e1].rstrip()
            return inner.endswith((":", "—")) or _MARKER.match(text, e) is not None
    return False


def headings(text: str) -> list[tuple[int, int, str]]:
    """(position, level, title) of every markdown heading of ``text``."""
    return [(m.start(), len(m.group(1)), m.group(2)) for m in HEADING.finditer(text)]


def glossary_markdown(terms=TERMS, titles: dict[str, str] | None = None) -> str:
    """The glossary as a markdown table, sorted by term: term, definition, where it is defined.

    ``titles`` maps a notebook number to its file name (e.g. ``{"01": "01_rnn_gradient_decay.ipynb"}``); the
    'defined in' column then links to the notebook.
    """
    rows = ["| Term | What it means | Defined in |", "|---|---|---|"]
    for t in sorted(terms, key=lambda t: t.name.lower()):
        where = f"{t.notebook}, section “{t.section}”"
        if titles and t.notebook in titles:
            where = f"[{t.notebook}]({titles[t.notebook]}), section “{t.section}”"
        rows.append(f"| {t.name} | {t.definition.replace('|', '∣')} | {where} |")
    return "\n".join(rows)
