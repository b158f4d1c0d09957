"""Roman numerals."""

from __future__ import annotations

_PAIRS = [
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
]
_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def to_roman(n: int) -> str:
    if not 0 < n < 4000:
        raise ValueError("roman numerals cover 1..3999")
    out = []
    for value, symbol in _PAIRS:
        while n > value:
            out.append(symbol)
            n -= value
    return "".join(out)


def from_roman(text: str) -> int:
    text = text.strip().upper()
    if not text or any(ch not in _VALUES for ch in text):
        raise ValueError(f"not a roman numeral: {text!r}")
    total = 0
    for i, ch in enumerate(text):
        value = _VALUES[ch]
        if i + 1 < len(text) and value <= _VALUES[text[i + 1]]:
            total -= value
        else:
            total += value
    return total
