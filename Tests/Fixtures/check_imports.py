#!/usr/bin/env python3
"""Checks that Package.swift declares exactly the modules each target imports.

Reads Package.swift as text (no SwiftPM call, so it can run inside `swift test`)
and each target's sources; prints one line per mismatch and exits 1 if any.
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
package = (root / "Package.swift").read_text(encoding="utf-8")
SYSTEM = {"Foundation", "Glibc", "Darwin", "Dispatch", "XCTest", "FoundationEssentials", "PackageDescription"}

def bracketed(text, start):
    """The text inside the [...] that opens at `start`."""
    depth = 0
    for index in range(start, len(text)):
        depth += {"[": 1, "]": -1}.get(text[index], 0)
        if depth == 0:
            return text[start + 1:index]
    return ""


targets = {}
starts = [m for m in re.finditer(r'\.(target|executableTarget|testTarget|systemLibrary)\(name:\s*"([^"]+)"', package)]
for index, match in enumerate(starts):
    kind, name = match.groups()
    chunk = package[match.end():starts[index + 1].start() if index + 1 < len(starts) else len(package)]
    deps = set()
    opening = chunk.find("dependencies:")
    if opening >= 0:
        listed = bracketed(chunk, chunk.index("[", opening))
        products = set(re.findall(r'\.product\(name:\s*"([^"]+)"', listed))
        plain = set(re.findall(r'"([^"]+)"', re.sub(r'\.product\([^)]*\)', "", listed)))
        deps = plain | products
    path = re.search(r'path:\s*"([^"]+)"', chunk)
    folder = root / (path.group(1) if path else ("Tests/" if kind == "testTarget" else "Sources/") + name)
    targets[name] = (kind, deps, folder)

problems = []
for name, (kind, deps, folder) in sorted(targets.items()):
    if kind == "systemLibrary" or not folder.exists():
        continue
    imports = set()
    for source in folder.rglob("*.swift"):
        imports |= set(re.findall(r"^\s*(?:@testable\s+)?import\s+([A-Za-z0-9_]+)\s*$", source.read_text(encoding="utf-8"), re.M))
    imports -= SYSTEM
    for missing in sorted(imports - deps):
        problems.append(f"{name}: imports {missing} but Package.swift does not declare it")
    for unused in sorted(deps - imports):
        if kind == "executableTarget" or (name == "Native" and unused == "CairoDeflate"):
            continue
        problems.append(f"{name}: Package.swift declares {unused} but no source imports it")

print("\n".join(problems) if problems else f"{len(targets)} targets: declarations match imports")
sys.exit(1 if problems else 0)
