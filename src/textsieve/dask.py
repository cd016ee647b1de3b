"""Kept so that ``import textsieve.dask`` keeps working: the integration lives in :mod:`textsieve.engines.dask`."""
from .engines.dask import *  # noqa: F401,F403
from .engines.dask import __all__  # noqa: F401
