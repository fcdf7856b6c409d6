"""The self-checks of the graded exercises (lstm_helpers.selfcheck) and the mutants in tests/mutants/.

tests/mutants/<item>/<mistake>.py is a common wrong answer: for an exercise of a notebook, the whole
answer cell with one mistake; for a check without an exercise, the function with one mistake. The file
name is the diagnosis the self-check must give. A notebook mutant must also lose the item's points: its
test cell (hidden tests included) must raise. Every mutant that defines a function is also given to the
engine's check directly (no notebook around it).
"""
from __future__ import annotations

import numpy as np
import pytest

import lstm_helpers as lh
from grading_helpers import (MUTANTS, exercise_notebooks, items, load, mutant_source, mutants, run_exercises,
                             strip_solution_markers)
from lstm_helpers import selfcheck

NOTEBOOK_OF = {item: path for path in exercise_notebooks() for item in items(load(path))}
ENGINE_ONLY = sorted(d.name for d in MUTANTS.iterdir() if d.is_dir() and d.name not in NOTEBOOK_OF)
NB_CASES = [(item, m) for item in sorted(NOTEBOOK_OF) for m in mutants(item)]
FUNCTION_ITEMS = sorted(item for item in selfcheck.CHECKS if item != "decay_lag")   # mutants are def <item>(...)
ENGINE_CASES = [(item, m) for item in FUNCTION_ITEMS for m in mutants(item)]


def test_at_least_ten_graded_items_in_the_notebooks():
    assert len(NOTEBOOK_OF) >= 10, sorted(NOTEBOOK_OF)
    assert {p.name[:2] for p in NOTEBOOK_OF.values()} >= {"01", "04", "05", "06", "07", "09"}
    assert set(NOTEBOOK_OF) <= set(selfcheck.CHECKS) | {"decay_lag"}


@pytest.mark.parametrize("item", sorted(set(NOTEBOOK_OF) | set(ENGINE_ONLY)))
def test_every_item_has_five_mutants_with_known_diagnoses(item):
    found = mutants(item)
    assert len(found) >= 5, f"{item}: only {found}"
    assert set(found) <= set(selfcheck.MISTAKES), set(found) - set(selfcheck.MISTAKES)


@pytest.mark.parametrize("path", exercise_notebooks(), ids=lambda p: p.name)
def test_instructor_solutions_pass_every_check_and_test(path, monkeypatch):
    monkeypatch.chdir(path.parent)                # as in Jupyter: '../data/...' is the repository's data/
    nb = load(path)
    res = run_exercises(nb)
    for item in items(nb):
        assert res[f"{item}_check"].passed, res[f"{item}_check"]
        assert res[f"{item}_check"].mistake is None
        assert res[f"{item}_tests"] is None, f"{item}: {res[f'{item}_tests']!r}"


@pytest.mark.parametrize("item,mistake", NB_CASES, ids=[f"{i}-{m}" for i, m in NB_CASES])
def test_notebook_mutant_loses_the_points_and_is_named(item, mistake, monkeypatch):
    monkeypatch.chdir(NOTEBOOK_OF[item].parent)
    nb = load(NOTEBOOK_OF[item])
    res = run_exercises(nb, {item: mutant_source(item, mistake)}, stop_after=f"{item}_tests")
    check = res[f"{item}_check"]
    assert isinstance(check, selfcheck.CheckResult)
    assert not check.passed
    assert check.mistake == mistake, check.message
    assert selfcheck.MISTAKES[mistake] in check.message
    assert res[f"{item}_tests"] is not None, f"the test cell of {item} passed the mutant '{mistake}'"


def _engine_function(item, src):
    ns = {"np": np, "lh": lh}
    exec(compile(src, f"{item}-mutant", "exec"), ns)
    return ns[item]


@pytest.mark.parametrize("item,mistake", ENGINE_CASES, ids=[f"{i}-{m}" for i, m in ENGINE_CASES])
def test_engine_check_names_the_mutant(item, mistake):
    check = selfcheck.CHECKS[item](_engine_function(item, mutant_source(item, mistake)))
    assert not check.passed and check.mistake == mistake, check.message


REFERENCES = {"forget_gate": selfcheck.gate_reference, "input_gate": selfcheck.gate_reference,
              "output_gate": selfcheck.gate_reference, "cell_update": selfcheck.cell_update_reference,
              "hidden_output": selfcheck.hidden_output_reference, "error_rates": selfcheck.error_rates_reference}


@pytest.mark.parametrize("item", sorted(REFERENCES))
def test_engine_check_passes_a_right_answer_written_differently(item):
    ref = REFERENCES[item]

    def answer(*args):               # same values, computed by other code (the copy of the inputs is used)
        out = ref(*args)
        return {k: v + 0.0 for k, v in out.items()} if isinstance(out, dict) else out * 1.0

    check = selfcheck.CHECKS[item](answer)
    assert check.passed and check.mistake is None, check.message
    assert "passed" in repr(check)


def test_a_stub_is_reported_as_not_implemented_and_an_exception_is_named():
    def stub(*args):
        raise NotImplementedError()

    for item in ("rnn_step", "jacobian_norms", "lstm_step_forward", "lstm_step_backward", "cell_update"):
        check = selfcheck.CHECKS[item](stub)
        assert not check.passed and check.mistake == "not_implemented", check.message

    def crashes(h_prev, x_t, W, b):
        return np.concatenate([h_prev, x_t], axis=1) @ W + b     # W not transposed: shapes do not fit

    check = lh.check_forget_gate(crashes)
    assert check.mistake == "raised" and "ValueError" in check.message and "W.T" in check.message


def test_wrong_shapes_and_types_are_named():
    assert lh.check_rnn_step(lambda x, h, Wx, Wh, b: np.tanh(Wh @ h + Wx @ x + b)[None]).mistake == "wrong_shape"
    assert lh.check_decay_lag(54.0).mistake == "wrong_type"
    assert lh.check_decay_lag(True).mistake == "wrong_type"
    right = selfcheck.decay_lag_reference(1.2)
    assert lh.check_decay_lag(right).passed
    assert lh.check_decay_lag(lambda rho: selfcheck.decay_lag_reference(rho)).passed
    assert lh.check_decay_lag(right + 7).mistake == "unknown"
    assert lh.check_error_rates(lambda correct, groups: {"all": 0.1}).mistake == "wrong_type"
    assert lh.check_error_rates(lambda correct, groups: {None: 0.1}).mistake == "wrong_type"


def test_backward_check_is_a_numerical_gradient_check():
    """A backward pass that matches no listed mistake still fails, with the failing arrays named."""
    engine = lh.bptt.step_backward        # a free variable: the check refuses an answer that names the engine

    def right(dh_t, dC_next, cache, p):
        return engine(dh_t, dC_next, cache, p)

    def backward(dh_t, dC_next, cache, p):
        g = engine(dh_t, dC_next, cache, p)
        g["db_o"] = g["db_o"] * 1.01                                   # 1 % off in one array only
        return g

    assert lh.check_lstm_step_backward(right).passed                   # the reference the test starts from
    check = lh.check_lstm_step_backward(backward)
    assert not check.passed and check.mistake == "unknown"
    assert "db_o" in check.message and "dW_o" not in check.message
    assert check.details["errors"]["db_o"] > 1e-3 > check.details["errors"]["dW_f"]


def test_mutants_are_answers_to_the_same_exercise():
    """Mutants differ from the instructor's answer in the answer only (not a different exercise)."""
    for item, path in NOTEBOOK_OF.items():
        nb = load(path)
        sol = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == item)
        right = strip_solution_markers("".join(sol["source"]))
        for m in mutants(item):
            src = mutant_source(item, m)
            assert src != right
            assert f"def {item}(" in src or item == "decay_lag"


@pytest.mark.parametrize("item,engine", [("forget_gate", "lh.gates.forget_gate(h, x, W, b)"),
                                         ("input_gate", "lh.gates.gate_steps(h, x, W, b)['gate']"),
                                         ("output_gate", "lh.gates.lstm_step(h, h, x, P)['o_t']"),
                                         ("cell_update", "lh.gates.cell_update(h, x, W, b)"),
                                         ("hidden_output", "lh.gates.hidden_output(h, x)")])
def test_gate_checks_refuse_the_engine(item, engine):
    """An answer that calls the engine's own function is not accepted (even though its values are right)."""
    args = "h, x" if item == "hidden_output" else "h, x, W, b"
    ns = {"np": np, "lh": lh, "P": {}}
    exec(f"def {item}({args}):\n    return {engine}\n", ns)
    check = selfcheck.CHECKS[item](ns[item])
    assert not check.passed and check.mistake == "uses_engine", check.message
