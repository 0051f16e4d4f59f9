"""Expressions and templates are compiled once per distinct text, and evaluation stays byte-for-byte stable."""
from ppguide import expressions
from ppguide.evaluate import evaluate


def test_a_template_is_compiled_once():
    text = "rendered {{ name }} (test_a_template_is_compiled_once)"
    before = expressions.compiled_template.cache_info()
    assert expressions.render(text, {"name": "A"}) == "rendered A (test_a_template_is_compiled_once)"
    assert expressions.render(text, {"name": "B"}) == "rendered B (test_a_template_is_compiled_once)"
    after = expressions.compiled_template.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 1)


def test_an_expression_is_compiled_once():
    expr = "count * 2 + 0 * 12345"      # a text no other test uses, so this test's misses are its own
    before = expressions.compiled_expression.cache_info()
    assert expressions.value(expr, {"count": 2}) == 4
    assert expressions.holds(expr, {"count": 0}) is False
    after = expressions.compiled_expression.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 1)


def test_functions_registered_after_compiling_still_apply():
    expr = "late_function_of_test_expressions()"
    try:
        expressions.register(late_function_of_test_expressions=lambda: "first")
        assert expressions.value(expr, {}) == "first"
        expressions.register(late_function_of_test_expressions=lambda: "second")
        assert expressions.value(expr, {}) == "second"
    finally:
        del expressions.ENV.globals["late_function_of_test_expressions"]


def test_evaluating_twice_gives_the_same_bytes():
    for product_id, given in [("servermanager", {"virtual_computer_name": "ESMSV01"}), ("ac-snmp", {})]:
        first, second = evaluate(product_id, given), evaluate(product_id, given)
        assert first.manifest_bytes() == second.manifest_bytes()
        assert [(f.path, f.content) for f in first.files] == [(f.path, f.content) for f in second.files]
