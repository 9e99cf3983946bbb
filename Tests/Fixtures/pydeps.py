"""PyPI packages the test oracles need, installed on first use into a private folder (--deps).

Two things made a first use on a fresh machine fail: Python remembers that a folder on sys.path
did not exist when an import first looked there, so a package installed into it a moment later
is not found until the import caches are dropped; and two oracles starting at once on a fresh
machine would both install into the same folder. The folder is made before Python looks in it,
installs are serialised with a lock file, and the caches are dropped after installing.
"""
import fcntl
import importlib
import os
import subprocess
import sys


def require(deps, module, requirement):
    """Imports `module`, installing `requirement` into `deps` first when it is not there."""
    os.makedirs(deps, exist_ok=True)
    if deps not in sys.path:
        sys.path.insert(0, deps)
    try:
        return importlib.import_module(module)
    except ImportError:
        pass
    with open(os.path.join(deps, ".install.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        importlib.invalidate_caches()
        try:
            return importlib.import_module(module)  # another process installed it while this one waited
        except ImportError:
            pass
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target", deps]
        subprocess.run(command + [requirement], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        importlib.invalidate_caches()
        return importlib.import_module(module)
