"""The numpy engine computes what PyTorch computes: lh.LSTM against torch.nn.LSTM and lh.RNN against
torch.nn.RNN (tanh and relu), from the same weights (same layout: weight_ih, weight_hh, bias_ih,
bias_hh; LSTM gate order i, f, g, o), on outputs, final state and every gradient.

torch is NOT a dependency of the course, so torch's answers are stored: ``tests/fixtures/`` holds,
for a few fixed cases (float64 and float32, with and without an initial state), torch's inputs,
weights, outputs, final (h, C) and the gradients of a fixed scalar loss, made by
``tests/fixtures/make_torch_reference.py`` (its docstring says how; torch's version is recorded in
``torch_reference.json``). These tests run everywhere without torch. Where torch is installed, one
more test remakes the reference live and compares it with the stored one.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

import lstm_helpers as lh

FIXTURES = Path(__file__).resolve().parent / "fixtures"
_spec = importlib.util.spec_from_file_location("make_torch_reference", FIXTURES / "make_torch_reference.py")
ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ref)

# float64: only the summation order differs, so the agreement is close to machine precision.
TOL = {"float64": dict(rtol=1e-10, atol=1e-12), "float32": dict(rtol=1e-4, atol=1e-5)}
NAMES = [case["name"] for case in ref.CASES]
WEIGHTS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")  # torch's names end in _l0 (layer 0)


def load(name: str) -> tuple[dict, dict[str, np.ndarray]]:
    """The case (from the script's CASES) and its stored arrays."""
    case = ref.CASES[NAMES.index(name)]
    with np.load(FIXTURES / f"torch_{name}.npz") as data:
        return case, {key: data[key] for key in data.files}


def run_engine(case: dict, fx: dict[str, np.ndarray], perturb: str | None = None) -> dict[str, np.ndarray]:
    """lh.LSTM / lh.RNN on the stored inputs and weights: outputs, final state and gradients, keyed as the fixture.

    ``perturb`` names a weight whose first entry is changed by 1e-6 (to show the comparison catches it).
    """
    dtype = np.dtype(case["dtype"])
    lstm = case["cell"] == "lstm"
    D, H = case["D"], case["H"]
    model = lh.LSTM(D, H, dtype=dtype) if lstm else lh.RNN(D, H, nonlinearity=case["nonlinearity"], dtype=dtype)
    for name in WEIGHTS:
        weight = getattr(model, name)
        assert weight.shape == fx[f"{name}_l0"].shape, name
        weight[...] = fx[f"{name}_l0"]
    if perturb is not None:
        getattr(model, perturb).flat[0] += 1e-6
    state = None
    if case["initial_state"]:
        state = (fx["h0"], fx["C0"]) if lstm else fx["h0"]
    d_state = None
    if case["final_state_loss"]:
        d_state = (fx["r_h"], fx["r_C"]) if lstm else fx["r_h"]

    out, final = model.forward(fx["x"], state)
    grad_x = model.backward(fx["r_out"], d_state)
    result = {"out": out, "h_T": final[0] if lstm else final, "grad_x": grad_x}
    if lstm:
        result["C_T"] = final[1]
    if case["initial_state"]:
        grad_state = model.grad_state if lstm else (model.grad_state,)
        result.update({f"grad_{key}": g for key, g in zip(ref.state_names(case), grad_state)})
    result.update({f"grad_{name}_l0": model.grads[name] for name in WEIGHTS})
    return result


def compare(case: dict, fx: dict[str, np.ndarray], ours: dict[str, np.ndarray]) -> None:
    """Every output and gradient torch stored equals ours, and we compute nothing torch did not store."""
    expected = {key for key in fx if key in ("out", "h_T", "C_T") or key.startswith("grad_")}
    assert set(ours) == expected
    for key in sorted(expected):
        assert ours[key].dtype == fx[key].dtype == np.dtype(case["dtype"]), key
        np.testing.assert_allclose(ours[key], fx[key], **TOL[case["dtype"]], err_msg=f"{case['name']}: {key}")


@pytest.mark.parametrize("name", NAMES)
def test_engine_matches_torch(name):
    case, fx = load(name)
    compare(case, fx, run_engine(case, fx))


@pytest.mark.parametrize("name", [n for n in NAMES if n.endswith("f64_state")])
@pytest.mark.parametrize("weight", WEIGHTS)
def test_a_wrong_weight_is_caught(name, weight):
    """The float64 tolerance is tight: one weight off by 1e-6 fails the comparison."""
    case, fx = load(name)
    with pytest.raises(AssertionError, match=name):
        compare(case, fx, run_engine(case, fx, perturb=weight))


def test_fixtures_are_what_the_script_makes():
    """Every case of the script has its file; shapes as recorded; the inputs are the script's, bit for bit."""
    meta = json.loads((FIXTURES / ref.METADATA).read_text())
    assert meta["seed"] == ref.SEED
    assert meta["loss"] == ref.LOSS
    assert meta["torch"].startswith("2.")
    stored = sorted(p.name for p in FIXTURES.glob("torch_*.npz"))
    assert stored == sorted(f"torch_{name}.npz" for name in NAMES)
    assert [c["name"] for c in meta["cases"]] == NAMES
    for index, (case, recorded) in enumerate(zip(ref.CASES, meta["cases"])):
        assert {k: v for k, v in recorded.items() if k not in ("file", "shapes")} == case
        _, fx = load(case["name"])
        assert {key: list(value.shape) for key, value in fx.items()} == recorded["shapes"]
        assert all(value.dtype == np.dtype(case["dtype"]) for value in fx.values())
        T, B, D, H = case["T"], case["B"], case["D"], case["H"]
        assert fx["x"].shape == (T, B, D) and fx["out"].shape == (T, B, H) and fx["h_T"].shape == (B, H)
        inputs = ref.case_inputs(index)
        assert set(inputs) <= set(fx)
        for key, value in inputs.items():
            np.testing.assert_array_equal(fx[key], value, err_msg=f"{case['name']}: {key}")
        leaves = ["x", *(ref.state_names(case) if case["initial_state"] else ()), *(f"{w}_l0" for w in WEIGHTS)]
        for key in leaves:
            assert fx[f"grad_{key}"].shape == fx[key].shape, key


@pytest.mark.skipif(ref.torch is None, reason="torch is not installed; it is optional "
                    "(tests/fixtures/make_torch_reference.py says how to remake the fixtures with it)")
@pytest.mark.parametrize("name", NAMES)
def test_stored_reference_is_what_torch_computes_now(name):
    """Live: torch on this machine gives the stored answers (within the same tolerance)."""
    case, fx = load(name)
    live = ref.torch_reference(NAMES.index(name))
    assert set(live) == set(fx)
    for key in sorted(fx):
        np.testing.assert_allclose(live[key], fx[key], **TOL[case["dtype"]], err_msg=f"{name}: {key}")
