"""retrowalk: backward walking as a safe, tailored, progressive exercise for knee pain.

It supports clinical care; it never diagnoses.
"""

__version__ = "0.1.0"
