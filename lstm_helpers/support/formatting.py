"""Number formats shared by the notebooks (strings only; the package prints nothing)."""
from __future__ import annotations

import math

from .checks import check_number


def power_of_ten_at_most(value) -> str:
    """The smallest power of ten that is >= ``value``, as text: 3.2e-11 -> '1e-10'; 0 -> '0'.

    Used for errors that should be zero up to rounding: their last digits depend on the CPU's
    floating-point kernels, the power of ten does not, so stored outputs reproduce.
    """
    value = check_number(value, "value", "power_of_ten_at_most()", low=0)
    return "0" if value == 0 else f"1e{math.ceil(math.log10(value)):+03d}"
