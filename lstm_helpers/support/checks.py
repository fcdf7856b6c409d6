"""Argument checks that turn a learner's mistake into a sentence instead of a numpy traceback.

Every public helper validates what it is given with these functions. A message always names
the function, the argument, what was expected and what was actually passed, for example::

    LSTM.forward(): argument 'x' must have shape (T, B, D) = (any, any, 3), but it has shape (5, 3).
    Inputs are shaped (time steps, batch, features); for one sequence use x[:, None, :].

Wrong shapes and bad sizes raise ``ValueError``; wrong types and dtypes raise ``TypeError``.
"""
from __future__ import annotations

import numbers
from typing import Sequence

import numpy as np

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _shape_str(shape: Sequence) -> str:
    parts = ["any" if s is None else str(s) for s in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def check_size(value, name: str, where: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an int if it is a whole number >= ``minimum``; else raise.

    >>> check_size(4, "hidden_size", "LSTM()")
    4
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{where}: argument '{name}' must be a whole number (int), "
            f"but it is {type(value).__name__} {value!r}."
        )
    if value < minimum:
        raise ValueError(f"{where}: argument '{name}' must be at least {minimum}, but it is {value}.")
    return int(value)


def check_number(value, name: str, where: str, *, low: float | None = None, high: float | None = None) -> float:
    """Return ``value`` as a finite float inside [low, high]; else raise TypeError/ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{where}: argument '{name}' must be a real number, but it is {type(value).__name__} {value!r}."
        )
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{where}: argument '{name}' must be finite, but it is {value}.")
    if low is not None and value < low:
        raise ValueError(f"{where}: argument '{name}' must be >= {low}, but it is {value}.")
    if high is not None and value > high:
        raise ValueError(f"{where}: argument '{name}' must be <= {high}, but it is {value}.")
    return value


def check_dtype(dtype, where: str, name: str = "dtype") -> np.dtype:
    """Return ``np.dtype(dtype)`` if it is float32 or float64; else raise TypeError."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt not in FLOAT_DTYPES:
        raise TypeError(
            f"{where}: argument '{name}' must be np.float32 or np.float64, but it is {dtype!r}."
        )
    return dt


def check_choice(value, name: str, where: str, choices: Sequence):
    """Return ``value`` if it is one of ``choices``; else raise ValueError listing them."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(
            f"{where}: argument '{name}' must be one of {', '.join(map(repr, choices))}, but it is {value!r}."
        )
    return value


def as_array(value, name: str, where: str) -> np.ndarray:
    """``value`` as a numpy array (no copy if it is one); a clear TypeError/ValueError naming
    ``name`` and ``where`` for None, strings, dicts, sets and ragged lists."""
    if value is None:
        raise TypeError(f"{where}: argument '{name}' is None; it must be a numpy array.")
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (str, bytes, dict, set)):
        raise TypeError(
            f"{where}: argument '{name}' must be a numpy array, but it is {type(value).__name__}."
        )
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise ValueError(
            f"{where}: argument '{name}' could not be turned into an array "
            f"(rows of different lengths?): {err}"
        ) from None


def check_array(
    value,
    name: str,
    where: str,
    *,
    shape: Sequence[int | None] | None = None,
    dims: Sequence[str] | None = None,
    dtype: np.dtype | None = None,
    hint: str = "",
) -> np.ndarray:
    """Validate a floating-point array and return it (never copied unless it was a list).

    Args:
        value: what the learner passed.
        name, where: the argument's name and the function it was passed to (for messages).
        shape: expected shape; ``None`` entries accept any positive size.
        dims: names of the axes for the message, e.g. ``("T", "B", "D")``.
        dtype: required float dtype (float32 or float64); ``None`` accepts either.
        hint: one sentence appended to a shape error.

    Raises:
        TypeError: not an array of floats, or not the required float dtype.
        ValueError: wrong number of axes, wrong size of an axis, an empty axis, NaN or inf.
    """
    arr = as_array(value, name, where)
    if arr.dtype.kind not in "f" or arr.dtype not in FLOAT_DTYPES:
        kind = {"i": "integers", "u": "unsigned integers", "b": "booleans", "c": "complex numbers",
                "U": "strings", "S": "bytes", "O": "Python objects"}.get(arr.dtype.kind, str(arr.dtype))
        want = dtype.name if dtype is not None else "float64"
        raise TypeError(
            f"{where}: argument '{name}' must hold floating-point numbers (float32 or float64), "
            f"but it holds {kind} (dtype {arr.dtype}). Convert it with {name}.astype(np.{want})."
        )
    if dtype is not None and arr.dtype != dtype:
        raise TypeError(
            f"{where}: argument '{name}' has dtype {arr.dtype} but the model computes in {dtype.name}. "
            f"Convert with {name}.astype(np.{dtype.name}), or build the model with dtype=np.{arr.dtype.name}."
        )
    if shape is not None:
        _check_shape(arr, name, where, shape, dims, hint)
    if arr.size == 0:
        raise ValueError(f"{where}: argument '{name}' is empty (shape {arr.shape}); it needs at least one value.")
    if not np.isfinite(arr).all():
        bad = ~np.isfinite(arr)
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{where}: argument '{name}' contains NaN or inf ({int(bad.sum())} of {arr.size} values, "
            f"first at index {first}). Check the computation that produced it."
        )
    return arr


def _check_shape(arr, name, where, shape, dims, hint):
    expected = tuple(shape)
    if dims is None:
        dims = tuple(f"d{k}" for k in range(len(expected)))
    want = f"({', '.join(dims)}{',' if len(dims) == 1 else ''}) = {_shape_str(expected)}"
    ok = arr.ndim == len(expected) and all(e is None or e == a for e, a in zip(expected, arr.shape))
    if not ok:
        msg = f"{where}: argument '{name}' must have shape {want}, but it has shape {tuple(arr.shape)}."
        if hint:
            msg += " " + hint
        raise ValueError(msg)
    zero = [d for d, a in zip(dims, arr.shape) if a == 0]
    if zero:
        raise ValueError(
            f"{where}: argument '{name}' has an empty axis {zero[0]} (shape {tuple(arr.shape)}); "
            f"every axis needs at least one entry."
        )


def check_int_array(
    value,
    name: str,
    where: str,
    *,
    shape: Sequence[int | None] | None = None,
    dims: Sequence[str] | None = None,
    low: int = 0,
    high: int | None = None,
    allowed_extra: int | None = None,
) -> np.ndarray:
    """Validate an array of integer labels in ``[low, high)`` (``allowed_extra`` is also accepted)."""
    arr = as_array(value, name, where)
    if arr.dtype.kind not in "iu":
        raise TypeError(
            f"{where}: argument '{name}' must hold integer class labels, but it has dtype {arr.dtype}. "
            f"Convert with {name}.astype(np.int64)."
        )
    if shape is not None:
        _check_shape(arr, name, where, shape, dims, "")
    if arr.size == 0:
        raise ValueError(f"{where}: argument '{name}' is empty (shape {arr.shape}).")
    valid = arr >= low
    if high is not None:
        valid &= arr < high
    if allowed_extra is not None:
        valid |= arr == allowed_extra
    if not valid.all():
        bad = arr[~valid].ravel()[0]
        rng = f"[{low}, {high})" if high is not None else f">= {low}"
        extra = f" (or {allowed_extra} to ignore a position)" if allowed_extra is not None else ""
        raise ValueError(f"{where}: argument '{name}' holds label {int(bad)}, outside {rng}{extra}.")
    return arr


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str, where: str) -> None:
    """Raise ValueError unless two arrays have the same shape."""
    if a.shape != b.shape:
        raise ValueError(
            f"{where}: argument '{name_a}' has shape {a.shape} but '{name_b}' has shape {b.shape}; "
            f"they must match."
        )
