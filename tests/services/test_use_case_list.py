"""The use-case list in ``retrowalk/services/__init__.py`` is the code's: names and parameters.

The docstring lists, per module (a line ````module````), its use cases as code spans
````name(ctx, actor, walker_id, *, weeks=12) -> Out````. This checks every listed function
exists with exactly those parameter names, in order, keyword-only ones after a bare ``*``, and
that every public function of the package that takes ``ctx`` first is listed, under its module.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

import retrowalk.services

HEADING = re.compile(r"^``(\w+)``$", flags=re.M)
CALL = re.compile(r"``(\w+)\((.*?)\)(?: -> [^`]+)?``", flags=re.S)


def _listed() -> dict[str, dict[str, list[str]]]:
    """module → function → parameters as written, from the package docstring."""
    doc = retrowalk.services.__doc__ or ""
    headings = list(HEADING.finditer(doc))
    listed: dict[str, dict[str, list[str]]] = {}
    for heading, following in zip(headings, [*headings[1:], None], strict=True):
        section = doc[heading.end() : following.start() if following else len(doc)]
        listed[heading[1]] = {name: _split(params) for name, params in CALL.findall(section)}
    return listed


def _split(params: str) -> list[str]:
    """``ctx, data: AccountIn, *, flash=()`` → ``["ctx", "data", "*", "flash"]``."""
    names, depth, current = [], 0, ""
    for char in " ".join(params.split()) + ",":
        depth += char in "([{"
        depth -= char in ")]}"
        if char == "," and depth == 0:
            names.append(re.split(r"[:=]", current)[0].strip())
            current = ""
        else:
            current += char
    return [name for name in names if name]


def _written(function: Callable[..., Any]) -> list[str]:
    """A function's parameters as the list writes them: ``*`` before keyword-only, ``*args``."""
    out: list[str] = []
    for param in inspect.signature(function).parameters.values():
        if param.kind is param.KEYWORD_ONLY and not any(p.startswith("*") for p in out):
            out.append("*")
        out.append(f"*{param.name}" if param.kind is param.VAR_POSITIONAL else param.name)
    return out


def _modules() -> dict[str, ModuleType]:
    return {
        info.name: importlib.import_module(f"retrowalk.services.{info.name}")
        for info in pkgutil.iter_modules(retrowalk.services.__path__)
    }


def _public_functions(module: ModuleType) -> dict[str, Callable[..., Any]]:
    return {
        name: value
        for name, value in vars(module).items()
        if inspect.isfunction(value) and value.__module__ == module.__name__ and name[0] != "_"
    }


def _takes_ctx(function: Callable[..., Any]) -> bool:
    return next(iter(inspect.signature(function).parameters), None) == "ctx"


LISTED = _listed()
MODULES = _modules()
LISTED_FUNCTIONS = [(m, f) for m, functions in LISTED.items() for f in functions]


def test_the_list_is_found() -> None:
    """Guards the parsing: a reformatted docstring must not make the checks below vacuous."""
    assert {"accounts", "walkers", "plans", "sessions", "policies", "transfer"} <= set(LISTED)
    assert LISTED["policies"]["set_policy"] == [
        "ctx",
        "actor",
        "changes",
        "reason",
        "*",
        "client_key",
        "sent",
    ]
    assert LISTED["plans"]["make_plan"] == ["ctx", "actor", "walker_id", "*", "surface"]
    assert len(LISTED_FUNCTIONS) > 50


@pytest.mark.parametrize("module", sorted(LISTED))
def test_each_listed_module_exists(module: str) -> None:
    assert module in MODULES, f"retrowalk.services.{module} is listed but does not exist"


@pytest.mark.parametrize(("module", "name"), LISTED_FUNCTIONS)
def test_each_listed_use_case_exists_with_the_listed_parameters(module: str, name: str) -> None:
    functions = _public_functions(MODULES[module]) if module in MODULES else {}
    assert name in functions, f"{module}.{name} is listed but is not a function of {module}"
    assert LISTED[module][name] == _written(functions[name]), (
        f"{module}.{name}: the list says ({', '.join(LISTED[module][name])}), "
        f"the code says ({', '.join(_written(functions[name]))})"
    )


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_use_case_taking_ctx_is_listed(module: str) -> None:
    missing = [
        name
        for name, function in _public_functions(MODULES[module]).items()
        if _takes_ctx(function) and name not in LISTED.get(module, {})
    ]
    assert missing == [], (
        f"list {', '.join(missing)} under ``{module}`` in retrowalk/services/__init__.py"
    )
