import pytest

from lstm_helpers.support.formatting import power_of_ten_at_most


@pytest.mark.parametrize("value,text", [(0, "0"), (3.2e-11, "1e-10"), (1e-9, "1e-09"), (0.7, "1e+00"), (12.0, "1e+02")])
def test_power_of_ten_at_most(value, text):
    assert power_of_ten_at_most(value) == text


@pytest.mark.parametrize("bad,err", [(-1e-3, ValueError), (float("nan"), ValueError), ("1e-3", TypeError)])
def test_power_of_ten_at_most_refuses_bad_values(bad, err):
    with pytest.raises(err, match="'value'"):
        power_of_ten_at_most(bad)
