"""Regression Painter: a photograph learned by linear regression, in Python for the browser (Pyodide)."""
from . import models  # noqa: F401
from .explosion import CostExplodedError  # noqa: F401
from .linreg import LinearRegressionModel, TrainConfig  # noqa: F401
from .onehot import OneHotImageModel  # noqa: F401
