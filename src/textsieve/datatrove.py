"""Kept so that ``import textsieve.datatrove`` keeps working: the integration lives in :mod:`textsieve.engines.datatrove`."""
from .engines.datatrove import *  # noqa: F401,F403
from .engines.datatrove import __all__  # noqa: F401
