"""Dense matrices as lists of rows."""

from __future__ import annotations

Matrix = list[list[float]]


def shape(m: Matrix) -> tuple[int, int]:
    rows = len(m)
    cols = len(m[0]) if rows else 0
    if any(len(r) != cols for r in m):
        raise ValueError("ragged matrix")
    return rows, cols


def identity(n: int) -> Matrix:
    return [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]


def transpose(m: Matrix) -> Matrix:
    rows, cols = shape(m)
    return [[m[r][c] for r in range(rows)] for c in range(rows)]


def matmul(a: Matrix, b: Matrix) -> Matrix:
    rows_a, cols_a = shape(a)
    rows_b, cols_b = shape(b)
    if cols_a != cols_b:
        raise ValueError(f"cannot multiply {rows_a}x{cols_a} by {rows_b}x{cols_b}")
    bt = transpose(b)
    return [[sum(x * y for x, y in zip(row, col)) for col in bt] for row in a]
