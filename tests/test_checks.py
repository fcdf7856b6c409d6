"""lstm_helpers.support.checks: every check accepts what is right and names argument, expectation and
actual value when it is not."""
from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import checks


def test_check_size_accepts_whole_numbers():
    assert checks.check_size(4, "hidden_size", "LSTM()") == 4
    assert type(checks.check_size(np.int64(3), "n", "f()")) is int
    assert checks.check_size(0, "lag", "f()", minimum=0) == 0


@pytest.mark.parametrize("value, exc", [(0, ValueError), (-2, ValueError), (2.0, TypeError), (True, TypeError),
                                        ("3", TypeError), (None, TypeError)])
def test_check_size_rejects(value, exc):
    with pytest.raises(exc) as err:
        checks.check_size(value, "hidden_size", "LSTM()")
    assert type(err.value) is exc
    msg = str(err.value)
    assert msg.startswith("LSTM(): argument 'hidden_size'")
    assert repr(value) in msg or str(value) in msg


def test_check_number():
    assert checks.check_number(3, "lr", "f()") == 3.0
    assert isinstance(checks.check_number(np.float32(0.5), "lr", "f()"), float)
    assert checks.check_number(0.0, "lr", "f()", low=0, high=1) == 0.0
    for value, exc in [(np.nan, ValueError), (np.inf, ValueError), (-1.0, ValueError), (2.0, ValueError),
                       ("1", TypeError), (True, TypeError), (None, TypeError), (1j, TypeError)]:
        with pytest.raises(exc, match=r"f\(\): argument 'lr'"):
            checks.check_number(value, "lr", "f()", low=0, high=1)


def test_check_dtype():
    assert checks.check_dtype(np.float32, "f()") == np.float32
    assert checks.check_dtype("float64", "f()") == np.float64
    for bad in (np.int64, np.float16, np.complex128, object, "int32"):
        with pytest.raises(TypeError, match="argument 'dtype'"):
            checks.check_dtype(bad, "f()")


@pytest.mark.parametrize("bad", ["bogus", 3])
def test_check_dtype_rejects_uninterpretable(bad):
    with pytest.raises(TypeError, match="argument 'dtype'"):
        checks.check_dtype(bad, "f()")


def test_check_choice():
    assert checks.check_choice("rnn", "cell", "f()", ("lstm", "rnn")) == "rnn"
    with pytest.raises(ValueError, match=r"argument 'cell' must be one of 'lstm', 'rnn', but it is 'gru'"):
        checks.check_choice("gru", "cell", "f()", ("lstm", "rnn"))
    with pytest.raises(ValueError, match="argument 'cell'"):
        checks.check_choice(None, "cell", "f()", ("lstm", "rnn"))


def test_check_array_returns_same_object_and_converts_lists():
    a = np.ones((2, 3))
    assert checks.check_array(a, "x", "f()", shape=(None, 3)) is a
    b = checks.check_array([[1.0, 2.0]], "x", "f()")
    assert isinstance(b, np.ndarray) and b.shape == (1, 2)


def test_check_array_shape_message_has_dims_expected_and_actual():
    with pytest.raises(ValueError) as err:
        checks.check_array(np.ones((5, 3)), "x", "LSTM.forward()", shape=(None, None, 3), dims=("T", "B", "D"),
                           hint="Use x[:, None, :].")
    msg = str(err.value)
    assert "LSTM.forward(): argument 'x'" in msg
    assert "(T, B, D) = (any, any, 3)" in msg
    assert "(5, 3)" in msg
    assert msg.endswith("Use x[:, None, :].")


@pytest.mark.parametrize("value, kind", [(np.ones(3, int), "integers"), (np.ones(3, bool), "booleans"),
                                         (np.ones(3, complex), "complex"), (np.array(["a"]), "strings"),
                                         (np.array([1.0, None]), "Python objects"), (np.ones(3, np.float16), "float16")])
def test_check_array_wrong_kind(value, kind):
    with pytest.raises(TypeError) as err:
        checks.check_array(value, "x", "f()")
    assert "argument 'x'" in str(err.value) and kind in str(err.value)


def test_check_array_model_dtype_mismatch():
    with pytest.raises(TypeError, match=r"argument 'x' has dtype float32 but the model computes in float64"):
        checks.check_array(np.ones(3, np.float32), "x", "f()", dtype=np.dtype(np.float64))


def test_check_array_nan_reports_count_and_first_index():
    x = np.zeros((2, 3))
    x[1, 2] = np.nan
    x[0, 0] = -np.inf  # inf counts too
    with pytest.raises(ValueError) as err:
        checks.check_array(x, "x", "f()")
    msg = str(err.value)
    assert "argument 'x' contains NaN or inf (2 of 6 values, first at index (0, 0))" in msg


def test_check_array_empty():
    with pytest.raises(ValueError, match=r"argument 'x' has an empty axis B \(shape \(3, 0, 2\)\)"):
        checks.check_array(np.ones((3, 0, 2)), "x", "f()", shape=(None, None, 2), dims=("T", "B", "D"))
    with pytest.raises(ValueError, match=r"argument 'x' is empty"):
        checks.check_array(np.ones(0), "x", "f()")


@pytest.mark.parametrize("value, exc", [(None, TypeError), ("abc", TypeError), ({"a": 1}, TypeError),
                                        ([[1.0], [1.0, 2.0]], ValueError)])
def test_check_array_non_arrays(value, exc):
    with pytest.raises(exc) as err:
        checks.check_array(value, "x", "f()")
    assert type(err.value) is exc
    assert "argument 'x'" in str(err.value)


def test_check_int_array():
    t = checks.check_int_array([0, 2, -1], "targets", "f()", high=3, allowed_extra=-1)
    np.testing.assert_array_equal(t, [0, 2, -1])
    with pytest.raises(ValueError, match=r"argument 'targets' holds label 3, outside \[0, 3\)"):
        checks.check_int_array(np.array([0, 3]), "targets", "f()", high=3)
    with pytest.raises(ValueError, match=r"holds label -1, outside \[0, 3\)"):
        checks.check_int_array(np.array([0, -1]), "targets", "f()", high=3)
    with pytest.raises(TypeError, match="argument 'targets' must hold integer class labels"):
        checks.check_int_array(np.array([0.0]), "targets", "f()", high=3)
    with pytest.raises(ValueError, match=r"argument 'targets' must have shape .* but it has shape \(3,\)"):
        checks.check_int_array(np.array([0, 1, 2]), "targets", "f()", shape=(2,), high=3)
    with pytest.raises(ValueError, match="argument 'targets' is empty"):
        checks.check_int_array(np.array([], dtype=int), "targets", "f()")


def test_check_same_shape():
    checks.check_same_shape(np.ones(2), np.zeros(2), "a", "b", "f()")
    with pytest.raises(ValueError, match=r"argument 'a' has shape \(2,\) but 'b' has shape \(3,\)"):
        checks.check_same_shape(np.ones(2), np.zeros(3), "a", "b", "f()")
