"""A tiny statistics toolkit."""

from calculator.stats import histogram, mean, median, moving_average, variance

__all__ = ["histogram", "mean", "median", "moving_average", "variance"]
