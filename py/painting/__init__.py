"""Regression Painter: a photograph learned by linear regression, in Python for the browser (Pyodide).

Import order matters: `models` defines Knob before importing the model modules, which import Knob back.
"""
from . import models  # noqa: F401  (first, see above)
from .linreg import CostExplodedError, LinearRegressionModel, TrainConfig  # noqa: F401
from .onehot import OneHotImageModel  # noqa: F401
