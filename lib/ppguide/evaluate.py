"""The engine: knowledge + validated parameters -> Bundle (steps, values, warnings, errata, files)."""
from __future__ import annotations

from typing import Any

from . import artifact_kinds, emit_bat, expressions, functions, oldwindows, scripts, sequencing  # noqa: F401  (functions registers computations)
from .bundle import Bundle, ErratumOut, File, StepOut
from .checklist import checklist_md  # noqa: F401  (compose imports it from here)
from .errors import Notice, ParameterError, Problem
from .fingerprint import inputs_sha256
from .knowledge import Product, load
from .params import valid_on_their_own, validate
from .scripts import for_product

#: The names the engine itself puts into the context, besides the product's parameters, constants and values,
#: in the order context() sets them: services' `when` see product_id; values see services too (and the values
#: before them); checks, steps, artifacts, registry values and errata see script too (products with a script).
#: `ppguide check` (knowledge_check) takes its list of declared names from here and from expressions.ENV.globals.
RESERVED = ("product_id", "services", "script")
#: Names an artifact with `for_each` adds for its path and template: the entry and its position.
ARTIFACT_NAMES = ("item", "index")


def context(product: Product, params: dict[str, Any]) -> dict[str, Any]:
    """Parameters, the services that apply, and the computed values, by name."""
    product_id, services, script = RESERVED
    ctx = dict(params)
    ctx.update(product.constants)
    ctx[product_id] = product.id
    ctx[services] = scripts.services(product, ctx)
    for v in product.values:
        ctx[v.name] = expressions.value(v.expr, ctx)
    if product.script:
        ctx[script] = for_product(product, ctx)
    return ctx


def _check_problem(c, ctx: dict[str, Any]) -> Problem:
    return Problem("+".join(c.params), {p: ctx[p] for p in c.params} if len(c.params) > 1 else ctx[c.params[0]],
                   f"{expressions.render(c.en, ctx)} (guide lines {', '.join(map(str, c.cite))})",
                   f"{expressions.render(c.ja, ctx)} (ガイド {', '.join(map(str, c.cite))} 行)")


def _refuse(product: Product, ctx: dict[str, Any]) -> None:
    problems = [_check_problem(c, ctx) for c in product.checks if c.level == "error" and expressions.holds(c.when, ctx)]
    if problems:
        raise ParameterError(problems)


def _also_refused(product: Product, given: dict[str, Any], refused: ParameterError) -> list[Problem]:
    """The refusing checks that concern only parameters valid on their own (e.g. a mode that needs a SID nobody
    gave), so the first refusal names them too rather than the second run. A check that needs anything else (a
    refused parameter, a computed value) is left for the run in which everything is valid."""
    named = set(refused.parameters)
    partial = valid_on_their_own(product, given, named)
    problems = []
    for c in product.checks:
        if c.level != "error" or named & set(c.params) or not set(c.params) <= set(partial):
            continue
        try:
            if expressions.holds(c.when, partial):
                problems.append(_check_problem(c, partial))
        except Exception:       # noqa: BLE001 - it needs what is not valid yet: the full run will judge it
            continue
    return problems


def _in_scenario(scenarios: list[str] | None, ctx: dict[str, Any]) -> bool:
    return scenarios is None or ctx.get("scenario") in scenarios


def sources(product: Product) -> str:
    return f"procedures/{product.id}.yaml (guide {product.section}, lines {product.lines[0]}-{product.lines[1]})"


def _steps(product: Product, ctx: dict[str, Any]) -> tuple[list[StepOut], list[File]]:
    steps: list[StepOut] = []
    files: list[File] = []
    chosen = [s for s in product.steps if _in_scenario(s.scenarios, ctx) and expressions.holds(s.when, ctx)]
    # Runs of adjacent steps: one step alone, or the steps of one `loop`, repeated together per entry.
    runs: list[list] = []
    for step in chosen:
        if step.loop and runs and runs[-1][0].loop == step.loop:
            runs[-1].append(step)
        else:
            runs.append([step])
    for run in runs:
        first = run[0]
        for index, item in (enumerate(ctx[first.for_each]) if first.for_each else [(None, None)]):
            local = dict(ctx, **dict(zip(ARTIFACT_NAMES, (item, index)))) if first.for_each else ctx
            for step in run:
                _step(product, step, local, steps, files)
    return steps, files


def _step(product: Product, step, ctx: dict[str, Any], steps: list[StepOut], files: list[File]) -> None:
    """One step (one entry of its for_each) appended to `steps`, its command file to `files`."""
    n = len(steps) + 1
    title_en, title_ja = expressions.render(step.title.en, ctx), expressions.render(step.title.ja, ctx)
    artifact = expressions.render(step.artifact, ctx) if step.artifact else None
    body = ""
    if step.commands:
        artifact = f"commands/{n:02d}-{step.id}.bat"
        body = expressions.render(step.commands, ctx)
        files.append(File(artifact, "commands", step.place, "cp932",
                          emit_bat.commands(artifact, step.place, title_en, body, sources(product))))
    why_en = expressions.render(step.why.en, ctx) if step.why else ""
    why_ja = expressions.render(step.why.ja, ctx) if step.why else ""
    note = oldwindows.tools_note(ctx, body, sets_start_types=artifact == "services.bat")
    if note:
        why_en, why_ja = " ".join(filter(None, [why_en, note[0]])), " ".join(filter(None, [why_ja, note[1]]))
    steps.append(StepOut(n, step.id, step.place, title_en, title_ja, why_en, why_ja,
                         [expressions.render(g, ctx) if "{" in g else g for g in step.gui], artifact, list(step.cite),
                         step.kind))


_encode = artifact_kinds.encode


def _artifact_content(product: Product, art, ctx: dict[str, Any]) -> bytes:
    """The bytes of one artifact, rendered by its kind (artifact_kinds.KINDS)."""
    return artifact_kinds.render(product, art, ctx, sources(product))


def artifact_files(product: Product, ctx: dict[str, Any]) -> list[tuple[Any, dict[str, Any], File]]:
    """(artifact, its context, file) for every artifact that applies to these facts, in knowledge order;
    an artifact with `for_each` gives one file per entry, its context holding `item` and `index`."""
    out = []
    for art in product.artifacts:
        if not (_in_scenario(art.scenarios, ctx) and expressions.holds(art.when, ctx)):
            continue
        items = list(enumerate(ctx[art.for_each])) if art.for_each else [(None, None)]
        for index, item in items:
            local = dict(ctx)
            local.update(zip(ARTIFACT_NAMES, (item, index)))
            encoding = oldwindows.reg_encoding(local, art.encoding) if art.kind in ("registry", "registry-restore") \
                else art.encoding
            out.append((art, local, File(expressions.render(art.path, local), art.role, art.place, encoding,
                                         _artifact_content(product, art, local))))
    return out


def _files(product: Product, ctx: dict[str, Any]) -> list[File]:
    return [f for _, _, f in artifact_files(product, ctx)]


def prepare(product_id: str, given: dict[str, Any]) -> tuple[Product, dict[str, Any]]:
    """Validate `given`, compute the context and apply the refusing checks."""
    product = load(product_id)
    try:
        valid = validate(product, given)
    except ParameterError as exc:
        raise ParameterError(exc.problems + _also_refused(product, given, exc)) from None
    ctx = context(product, valid)
    _refuse(product, ctx)
    return product, ctx


def evaluate(product_id: str, given: dict[str, Any]) -> Bundle:
    """Validate `given` and compute the whole bundle in memory. Raises ParameterError, writes nothing."""
    product, ctx = prepare(product_id, given)
    params = {p.name: ctx[p.name] for p in product.parameters}
    warnings = [Notice(c.id, expressions.render(c.en, ctx), expressions.render(c.ja, ctx), list(c.cite))
                for c in product.checks if c.level == "warning" and expressions.holds(c.when, ctx)]
    errata = [ErratumOut(e.id, e.kind, e.line, e.guide, expressions.render(e.emits, ctx), e.why.en, e.why.ja,
                         e.certain, e.override)
              for e in product.errata if expressions.holds(e.when, ctx)]
    steps, step_files = _steps(product, ctx)
    sequencing.enforce(product, ctx, steps)
    bundle = Bundle(product.id, product.title, product.section, product.lines, params,
                    defaulted=[p.name for p in product.parameters if not p.required and params[p.name] == p.default],
                    values={v.name: ctx[v.name] for v in product.values},
                    warnings=warnings, errata=errata, steps=steps,
                    tables=list(product.tables),
                    inputs_sha256=inputs_sha256(product.id, params))
    bundle.files = _files(product, ctx) + step_files
    bundle.files.append(File("checklist.md", "checklist", "reader", "utf-8", _encode(checklist_md(bundle), "utf-8")))
    refuse_colliding_paths(bundle)
    return bundle


def refuse_colliding_paths(bundle: Bundle) -> None:
    """Two files of one bundle at one path (Windows ignores case) would overwrite each other: name what caused it.

    A per-node file takes its name from the node (a node called `checklist` or `commands` would collide), so the
    parameters whose values appear in the clashing path are the ones to change.
    """
    seen: dict[str, str] = {"manifest.json": "manifest.json"}
    for f in bundle.files:
        key = f.path.casefold()
        prefixes = {"/".join(key.split("/")[:i]) for i in range(1, key.count("/") + 1)}
        clash = seen.get(key) or next((seen[p] for p in prefixes if p in seen), None)
        if clash is None:
            clash = next((other for other in seen if other.startswith(key + "/")), None)
            clash = seen[clash] if clash else None
        if clash is not None:
            names = [k for k, v in bundle.parameters.items()
                     if any(str(x).casefold() in key.split("/") or f"-{str(x).casefold()}." in key
                            for x in (v if isinstance(v, list) else [v]) if isinstance(x, str) and x)]
            raise ParameterError([Problem("+".join(names) or "?", {n: bundle.parameters[n] for n in names},
                                          f"values that do not name two emitted files alike ({f.path} and {clash})",
                                          f"出力ファイル名が重ならない値 ({f.path} と {clash})")])
        seen[key] = f.path


def write_bundle(product_id: str, given: dict[str, Any], outdir, force: bool = False, keep=()) -> Bundle:
    """Evaluate the product on `given` and write its bundle into `outdir` (see Bundle.write)."""
    bundle = evaluate(product_id, given)
    bundle.write(outdir, force, keep)
    return bundle
