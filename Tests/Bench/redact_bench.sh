#!/bin/sh
# Times redaction and the publication gate on one core, without the pipeline:
# compiles CaseModel + Disclosure with a small main (swiftc -O, whole module) into a
# temporary folder and runs RedactionBench on N synthetic cases (default 5000), five
# times. Until `sanxiang bench redact` exists this is what `make bench-redact` can call.
# Usage: Tests/Bench/redact_bench.sh [N]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for f in "$root"/Sources/CaseModel/*.swift "$root"/Sources/Disclosure/*.swift; do
    # One module: the `import CaseModel` lines go.
    sed 's/^import CaseModel$//' "$f" > "$work/$(basename "$(dirname "$f")")_$(basename "$f")"
done
cat > "$work/main.swift" <<'SWIFT'
import Foundation
let count = Int(CommandLine.arguments.dropFirst().first ?? "5000") ?? 5000
let set = RedactionBench.syntheticCases(count: count)
do {
    for _ in 0..<5 {
        print(try RedactionBench.run(cases: set.cases, agencies: set.agencies, officers: set.officers).summary)
    }
} catch {
    print("错误：\(error)")
    exit(1)
}
SWIFT
swiftc -O -wmo -module-name RedactBench "$work"/*.swift -o "$work/redact-bench"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
SANXIANG_DISCLOSURE_DATA="$root/Sources/Disclosure/Resources" taskset -c 0 "$work/redact-bench" "${1:-5000}"
