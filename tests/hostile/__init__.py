"""Hostile-input corpus for issue 7 ("nothing lost, nothing injected, nothing misread, no tracebacks").

- cases.py: generated parameter cases (product x declared parameter x hostile value for its type),
  the base facts (data/example-cluster.yaml), `classify` (what evaluate() did) and bundle checks;
- cli.py: the CLI in-process (typer's CliRunner) and what a clean refusal is (exit 2, `error:`,
  a Japanese line, no traceback, nothing written);
- injection.py: sentinel and hostile-but-valid values for the Wine injection test;
- the injection test builds tests/standins/standin.c with -DARG_SEP=0x1f to log each argument apart;
- report.py: runs the corpus and prints the issue's figures (`--wine` adds the Wine test,
  `--classes` lists the failing case classes with one example each).

Tests: tests/test_hostile_inputs.py, tests/test_hostile_files.py, tests/test_injection_wine.py.
"""
