"""The clinical core: the rules of ``clinical/RULES.md`` as pure, typed functions.

No I/O and no framework here: frozen models in, decisions with reasons out. Nothing in
this package imports from the rest of retrowalk.
"""
