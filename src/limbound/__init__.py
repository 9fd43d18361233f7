"""limbound: the least energy learning must dissipate, and how far hardware is from it."""
__version__ = "0.1.0"
