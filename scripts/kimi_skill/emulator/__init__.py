"""A loopback RunAPI emulator: the three wire formats, exactly, plus fault injection for tests."""

from .faults import Fault
from .server import DEFAULT_MODELS, EMULATOR_KEY, Emulator

__all__ = ["DEFAULT_MODELS", "EMULATOR_KEY", "Emulator", "Fault"]
