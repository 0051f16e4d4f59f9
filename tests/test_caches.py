"""What the engine computes once and keeps (compiled expressions and templates, timeline pictures),
and that evaluation stays byte-for-byte stable with those caches."""
from ppguide import expressions, functions
from facts import evaluate


def test_a_template_is_compiled_once():
    text = "rendered {{ name }} (test_a_template_is_compiled_once)"
    before = expressions.compiled_template.cache_info()
    assert expressions.render(text, {"name": "A"}) == "rendered A (test_a_template_is_compiled_once)"
    assert expressions.render(text, {"name": "B"}) == "rendered B (test_a_template_is_compiled_once)"
    after = expressions.compiled_template.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 1)


def test_a_text_without_jinja_syntax_is_not_compiled():
    before = expressions.compiled_template.cache_info()
    assert expressions.render("plain text, 100% as written\n", {}) == "plain text, 100% as written\n"
    assert expressions.compiled_template.cache_info() == before


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


def test_a_timeline_is_drawn_once_per_budget():
    functions.drawn_timeline.cache_clear()
    first = evaluate("ac-snmp", {}).file("timeline.png").content
    again = evaluate("ac-snmp", {}).file("timeline.png").content
    other = evaluate("ac-snmp", {"server_confirm_s": 90}).file("timeline.png").content
    info = functions.drawn_timeline.cache_info()
    assert (info.misses, info.hits) == (2, 1)
    assert first == again != other
