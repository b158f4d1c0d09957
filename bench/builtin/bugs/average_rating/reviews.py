"""Product review statistics."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Review:
    author: str
    stars: int | None  # None: text-only review
    text: str = ""


@dataclass
class Product:
    sku: str
    reviews: list[Review] = field(default_factory=list)


def average_rating(product: Product) -> float | None:
    """Mean star rating, rounded to one decimal; None when nobody rated it."""
    ratings = [r.stars for r in product.reviews if r.stars is not None]
    return round(sum(ratings) / len(ratings), 1)


def catalog_summary(products: list[Product]) -> dict[str, str]:
    out = {}
    for p in products:
        avg = average_rating(p)
        out[p.sku] = "no ratings" if avg is None else f"{avg:.1f} stars"
    return out
