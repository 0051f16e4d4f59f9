"""Conditions, computed values and text templates of the knowledge, evaluated with jinja2.

Knowledge files say `when: receive_dmi_alerts and scenario != 'uninstall'` or
`expr: "'mgr_' ~ virtual_computer_name"`; this module evaluates them in a sandbox
with undefined names treated as errors. Each distinct text is compiled once and kept:
the knowledge holds a bounded set of texts, evaluated many times per bundle. The compiled code also goes
to jinja2's bytecode cache in the disk cache, so a new process (a notebook kernel) does not compile again.
"""
from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, nodes
from jinja2.environment import TemplateExpression
from jinja2.parser import Parser
from jinja2.sandbox import SandboxedEnvironment

from . import disk_cache


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
BYTECODE = disk_cache.jinja_bytecode("expressions")


def register(**functions: Any) -> None:
    """Make computing functions (broadcast address, UPS budget...) callable from knowledge."""
    ENV.globals.update(functions)


def _from_cache(kind: str, source: str, compile_code: Any) -> Template:
    """A template of ENV from the code compile_code() gives, kept in jinja2's bytecode cache under the source.

    What Environment.from_string does, with the cache a loader would use (jinja2 keys an entry by its name,
    here the kind and the source itself, and checks the source's checksum); the template's globals are
    ENV's own, live, so later `register` calls still apply.
    """
    bucket = BYTECODE.get_bucket(ENV, f"{kind}:{source}", None, source) if BYTECODE else None
    code = bucket.code if bucket else None
    if code is None:
        code = compile_code()
        if bucket and BYTECODE:
            bucket.code = code
            BYTECODE.set_bucket(bucket)
    return ENV.template_class.from_code(ENV, code, ENV.make_globals(None))


def result_of(node: nodes.Expr) -> nodes.Template:
    """A template that assigns an expression to `result`, what Environment.compile_expression compiles (and
    TemplateExpression reads back)."""
    return nodes.Template([nodes.Assign(nodes.Name("result", "store"), node, lineno=1)], lineno=1)


def _expression_code(expr: str) -> Any:
    """The code Environment.compile_expression would compile for `expr`."""
    parser = Parser(ENV, expr, state="variable")
    node = parser.parse_expression()
    if not parser.stream.eos:
        raise TemplateSyntaxError("chunk after expression", parser.stream.current.lineno, None, None)
    node.set_environment(ENV)
    return ENV.compile(result_of(node))


@cache
def compiled_expression(expr: str) -> TemplateExpression:
    """The expression compiled once; the globals stay live, so later `register` calls still apply."""
    return TemplateExpression(_from_cache("expression", expr, lambda: _expression_code(expr)), False)


@cache
def compiled_template(template: str) -> Template:
    return _from_cache("template", template, lambda: ENV.compile(template))


def value(expr: str, ctx: dict[str, Any]) -> Any:
    return compiled_expression(expr)(ctx)


def holds(when: str | None, ctx: dict[str, Any]) -> bool:
    return True if when is None else bool(value(when, ctx))


def render(template: str, ctx: dict[str, Any]) -> str:
    if "{" not in template:    # no jinja syntax: the text is its own rendering (two thirds of a bundle's texts)
        return template
    return compiled_template(template).render(ctx)
