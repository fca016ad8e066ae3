"""The Code 128 B encoder against the published symbol patterns and hand-worked checksums."""

from __future__ import annotations

import re

import pytest

from sammanhang.lending.barcode import (
    PATTERNS,
    BarcodeError,
    code128b_modules,
    code128b_svg,
    code128b_values,
)

START_B_BITS = "11010010000"
STOP_BITS = "1100011101011"


def test_the_pattern_table_is_complete_and_unambiguous():
    assert len(PATTERNS) == 107
    assert all(sum(map(int, p)) == 11 for p in PATTERNS[:106])
    assert sum(map(int, PATTERNS[106])) == 13
    assert len(set(PATTERNS)) == 107


def test_the_checksum_of_the_worked_example_pjj123c():
    # 104 + 48*1 + 42*2 + 42*3 + 17*4 + 18*5 + 19*6 + 35*7 = 879; 879 mod 103 = 55.
    assert code128b_values("PJJ123C") == [104, 48, 42, 42, 17, 18, 19, 35, 55, 106]


def test_known_module_patterns_of_start_stop_and_letters():
    # "A" is value 33 = 10100011000; checksum (104 + 33) mod 103 = 34 = 10001011000.
    assert code128b_modules("A") == START_B_BITS + "10100011000" + "10001011000" + STOP_BITS
    # "1" is value 17 = 10011100110; checksum (104 + 17) mod 103 = 18 = 11001110010.
    assert code128b_modules("1") == START_B_BITS + "10011100110" + "11001110010" + STOP_BITS


def test_a_code_is_11_modules_per_symbol_plus_stop():
    assert len(code128b_modules("FB-00042")) == 11 * (1 + 8 + 1) + 13


@pytest.mark.parametrize("text", ["", "åäö", "a\nb"])
def test_what_set_b_cannot_encode_is_refused(text):
    with pytest.raises(BarcodeError):
        code128b_values(text)


def test_the_svg_draws_each_bar_and_names_the_code():
    svg = code128b_svg("S1<&", title="S1<&")
    modules = code128b_modules("S1<&")
    bars = re.findall(r'<rect x="(\d+)" y="0" width="(\d+)"', svg)
    assert len(bars) == len(re.findall("1+", modules))
    assert sum(int(w) for _x, w in bars) == modules.count("1")
    assert 'aria-label="S1&lt;&amp;"' in svg
    assert "<&" not in svg
