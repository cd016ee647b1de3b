"""Kept so that ``import textsieve.hf`` keeps working: the integration lives in :mod:`textsieve.engines.hf`."""
from .engines.hf import *  # noqa: F401,F403
from .engines.hf import __all__  # noqa: F401
