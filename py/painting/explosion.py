"""CostExplodedError: the error every trainer raises when the cost stops being finite."""


class CostExplodedError(FloatingPointError):
    """Training produced a non-finite cost: the learning rate is too large."""
