"""Conditions, computed values and text templates of the knowledge, evaluated with jinja2.

Knowledge files say `when: receive_dmi_alerts and scenario != 'uninstall'` or
`expr: "'mgr_' ~ virtual_computer_name"`; this module evaluates them in a sandbox
with undefined names treated as errors. Each distinct text is compiled once and kept:
the knowledge holds a bounded set of texts, evaluated many times per bundle.
"""
from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import StrictUndefined, Template
from jinja2.environment import TemplateExpression
from jinja2.sandbox import SandboxedEnvironment


def version(text: str) -> tuple[int, ...]:
    """'4.16' -> (4, 16), so versions compare as numbers."""
    return tuple(int(p) for p in str(text).split("."))


def winpath(*parts: str) -> str:
    """Join path parts with backslashes (jinja string literals must not hold backslashes)."""
    return "\\".join(str(p).strip("\\") if i else str(p).rstrip("\\") for i, p in enumerate(parts))


def quoted(path: str) -> str:
    """A path as one cmd.exe argument: in double quotes when it holds a separator (space ; , =) or ( )."""
    return f'"{path}"' if set(str(path)) & set(" ;,=()\t") else str(path)


ENV = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True,
                           trim_blocks=True, lstrip_blocks=True, autoescape=False)
ENV.globals.update(version=version, winpath=winpath, quoted=quoted)


def register(**functions: Any) -> None:
    """Make computing functions (broadcast address, UPS budget...) callable from knowledge."""
    ENV.globals.update(functions)


@cache
def compiled_expression(expr: str) -> TemplateExpression:
    """The expression compiled once; the globals stay live, so later `register` calls still apply."""
    return ENV.compile_expression(expr, undefined_to_none=False)


@cache
def compiled_template(template: str) -> Template:
    return ENV.from_string(template)


def value(expr: str, ctx: dict[str, Any]) -> Any:
    return compiled_expression(expr)(ctx)


def holds(when: str | None, ctx: dict[str, Any]) -> bool:
    return True if when is None else bool(value(when, ctx))


def render(template: str, ctx: dict[str, Any]) -> str:
    if "{" not in template:    # no jinja syntax: the text is its own rendering (two thirds of a bundle's texts)
        return template
    return compiled_template(template).render(ctx)
