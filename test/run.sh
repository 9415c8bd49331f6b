#!/usr/bin/env bash
# The whole test suite on a fresh machine (`npm test`): installs the system tools the tests need
# when they are missing (as root, with apt-get), fails loudly when one cannot be had (never skips),
# installs npm packages, typechecks, builds the bundle, runs every vitest suite, and ends with the
# plain line "N passed, N failed" (from vitest's JSON report) that CI records.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=test-output
mkdir -p "$OUT"

# tool -> Debian package
need_tools=(sipp:sip-tester ip:iproute2 ss:iproute2 python3:python3)
missing_pkgs=()
for pair in "${need_tools[@]}"; do
  tool=${pair%%:*}; pkg=${pair##*:}
  command -v "$tool" >/dev/null 2>&1 || missing_pkgs+=("$pkg")
done
if [ ${#missing_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test: installing missing system packages: ${missing_pkgs[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_pkgs[@]}" >"$OUT/apt.log" 2>&1 \
      || { echo "test: FAILED to install ${missing_pkgs[*]} (see $OUT/apt.log)"; echo "0 passed, 1 failed"; exit 1; }
  else
    echo "test: missing system packages ${missing_pkgs[*]}; install them (apt-get install ${missing_pkgs[*]}) or run as root"
    echo "0 passed, 1 failed"; exit 1
  fi
fi
for pair in "${need_tools[@]}"; do
  tool=${pair%%:*}
  command -v "$tool" >/dev/null 2>&1 || { echo "test: $tool still missing after install"; echo "0 passed, 1 failed"; exit 1; }
done

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund >"$OUT/npm-ci.log" 2>&1 || { cat "$OUT/npm-ci.log"; echo "0 passed, 1 failed"; exit 1; }
fi
npx tsc -p tsconfig.json --noEmit || { echo "test: typecheck failed"; echo "0 passed, 1 failed"; exit 1; }
node firmware/build.mjs || { echo "test: build failed"; echo "0 passed, 1 failed"; exit 1; }

npx vitest run --reporter=default --reporter=json --outputFile.json="$OUT/vitest.json" "$@"
rc=$?
node -e '
  const fs = require("node:fs");
  let r = { numPassedTests: 0, numFailedTests: 1 };
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { console.error("test: no vitest report"); }
  const failed = r.numFailedTests + (r.numRuntimeErrorTests ?? 0) + ((r.testResults ?? []).filter(f => f.status === "failed" && (f.assertionResults ?? []).length === 0).length);
  const line = `${r.numPassedTests} passed, ${failed} failed`;
  fs.writeFileSync(process.argv[2], line + "\n");
  console.log(line);
' "$OUT/vitest.json" "$OUT/summary.txt"
exit $rc
