"""What the report's panels share: file names, titles, colours and legend names, and the optional-module guard.

Legends name each energy's kind (THEORY §8: floor, estimate or measured).
"""
from __future__ import annotations

import importlib
from types import ModuleType

from .figures import Panel

FIG_FILES = {"a": "a_energy_vs_model_size.png", "b": "b_energy_per_op_vs_precision.png",
             "c": "c_energy_speed_tradeoff.png", "d": "d_validation.png",
             "e": "e_gset.png", "f": "f_measured_vs_bound.png"}

TITLES = {"a": "Energy-to-solution against model size", "b": "Energy per operation against precision",
          "c": "Energy-speed trade-off", "d": "Validation against published physics",
          "e": "G-set MaxCut: cut quality and energy-to-solution",
          "f": "Measured dissipation against the floor: QP and training"}
COLORS = {"landauer": "tab:blue", "lim": "tab:green", "static_cim": "tab:orange", "accelerator": "tab:red",
          "measured": "black", "floor": "tab:gray"}
# legends name each energy's kind (THEORY §8): every paradigm line is an estimate, never a floor
NAMES = {"landauer": r"Landauer reference $b\ kT\ \ln2$ (estimate)", "lim": "LIM (estimate)",
         "static_cim": "static CIM (estimate)", "accelerator": "accelerator (estimate)"}


def _missing(key: str, title: str, why: str) -> Panel:
    return Panel(key, title, status=f"not available: {why}")


def _try_import(module: str) -> ModuleType | None:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None
