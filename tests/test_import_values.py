"""Archive metric cells to numbers: accepted forms, absent markers, what is refused, exact text kept."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from validator.importer.values import Unparseable, Value, parse_value


@pytest.mark.parametrize(
    ("cell", "text", "error"),
    [
        ("86.820", "86.820", None),
        ("89.09%", "89.09", None),
        ("89.09 %", "89.09", None),
        ("0.8428 ± 0.0014", "0.8428", "0.0014"),
        ("0.8428±0.0014", "0.8428", "0.0014"),
        ("90.0 +/- 0.5", "90.0", "0.5"),
        ("5.3M", "5300000", None),
        ("12K", "12000", None),
        ("1.5B", "1500000000", None),
        ("0.5k", "500", None),
        ("1,234,567", "1234567", None),
        ("1,234.5", "1234.5", None),
        ("\ufeff93.3", "93.3", None),
        (" 42 ", "42", None),
        ("\u22121.5", "-1.5", None),
        ("+3", "3", None),
        (".5", "0.5", None),
        ("5.", "5", None),
        ("007", "7", None),
        ("1e-5", "0.00001", None),
        ("2.5E3", "2500", None),
        ("-0", "0", None),
        (67, "67", None),
        (0.25, "0.25", None),
    ],
)
def test_accepted_forms(cell: object, text: str, error: str | None) -> None:
    value = parse_value(cell)
    assert value is not None
    assert (value.text, value.error) == (text, error)


@pytest.mark.parametrize("cell", ["", "-", "--", "\u2212", "\u2014", "N/A", None, "  "])
def test_absent_cells(cell: object) -> None:
    assert parse_value(cell) is None


@pytest.mark.parametrize(
    "cell",
    ["Please tell us", "63.7*", "--*", "60.7+", "~257M", "43B?", "?", "93.0/90.7", "Yes",
     "70.14 (measured by Ge et al., 2018)", "17.1(16.1 with basic dynamic evaluation)", "1,23", "5.3%M",
     True, [1], float("nan"), "1 ± -2"],
)
def test_everything_else_is_refused_not_guessed(cell: object) -> None:
    with pytest.raises(Unparseable):
        parse_value(cell)


def test_percent_is_remembered() -> None:
    assert parse_value("76.5%") == Value("76.5", None, True)


@given(
    st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), allow_nan=False, allow_infinity=False, places=4)
)
def test_text_reads_back_as_the_same_number_in_yaml(number: Decimal) -> None:
    value = parse_value(format(number, "f"))
    assert value is not None
    loaded = yaml.safe_load(f"v: {value.text}")["v"]
    assert isinstance(loaded, int | float)
    assert Decimal(str(loaded)) == Decimal(value.text)
    assert Decimal(value.text) == number
