#!/usr/bin/env bash
# The lint stage of scripts/test.sh, also runnable alone:
#   1. clang-format --dry-run --Werror over every tracked *.cpp / *.h (.clang-format at the root);
#   2. clang-tidy (.clang-tidy at the root) over every translation unit of the project in a
#      compile_commands.json, in parallel through run-clang-tidy.
# Exits non-zero on any finding and prints how long each part took.
#
# Usage: scripts/lint.sh [BUILD_DIR]   (default build/lint). The directory is configured here
#        (configure only, no build: no header is generated) with clang and the optional fuzz and
#        bench targets on, so its compile_commands.json lists every translation unit of the
#        project, with the flags clang-tidy's own parser understands.
# Environment: LINT_JOBS (default nproc) parallel clang-tidy processes.
# Cost, clang-tidy 14: about 7.6 CPU-seconds per translation unit (Boost.Beast and Catch2 headers
# dominate), so about 15 CPU-minutes for the tree's 117: ~7.5 min on 2 idle cores (measured on 60
# TUs, 2026-12-05); the format check takes a second.
#
# The tree is formatted and checked with clang-format and clang-tidy 14 (Debian 12). Other majors
# format some constructs differently and add checks to the enabled families (Debian 13 ships 19),
# so both checks run only with major 14 and otherwise say they were skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
formatted_with_major=14
build_dir=${1:-build/lint}
jobs=${LINT_JOBS:-$(nproc)}
start=$SECONDS
status=0

# Never checked: third-party or generated files (none are tracked today; tests/catch2.h is our own
# wrapper of the system Catch2).
not_ours='^(third_party|build[^/]*)/'

echo "--- lint 1/2: clang-format"
format_major=$(clang-format --version | sed -n 's/.*version \([0-9]*\).*/\1/p')
if [ "$format_major" = "$formatted_with_major" ]; then
  mapfile -t sources < <(git ls-files '*.cpp' '*.h' | grep -Ev "$not_ours")
  if ! clang-format --dry-run --Werror "${sources[@]}"; then
    echo "lint: files above differ from .clang-format; fix with: clang-format -i FILE..."
    status=1
  fi
else
  echo "lint: SKIPPED the format check: clang-format is major ${format_major:-unknown}, the tree" \
    "is formatted with ${formatted_with_major}, and majors disagree on some layouts"
fi
echo "lint: clang-format took $((SECONDS - start)) s"

echo "--- lint 2/2: clang-tidy"
tidy_start=$SECONDS
# Each clang-tidy major adds checks to the bugprone-*/performance-* families (19 has a dozen 14
# lacks), so findings are only comparable with the major the tree is checked with.
tidy_major=$(clang-tidy --version | sed -n 's/.*version \([0-9]*\).*/\1/p' | head -1)
if [ "$tidy_major" != "$formatted_with_major" ]; then
  echo "lint: SKIPPED clang-tidy: it is major ${tidy_major:-unknown}, the tree is checked with" \
    "${formatted_with_major}, whose check families are smaller"
  echo "lint: total $((SECONDS - start)) s"
  [ "$status" = 0 ] && echo "lint: passed" || echo "lint: FAILED"
  exit "$status"
fi
CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCWLOGD_FUZZ=ON -DCWLOGD_BENCH=ON -DCWLOGD_UNITY_BUILD=OFF >/dev/null
# Only our sources (the regex is matched against each entry's absolute path): nothing generated
# in the build directory, nothing third-party.
ours="^$PWD/(api|bench|filters|insights|server|storage|tests)/.*\.cpp$"
tidy_log=$(mktemp)
trap 'rm -f "$tidy_log"' EXIT
if ! run-clang-tidy -quiet -p "$build_dir" -j "$jobs" "$ours" >"$tidy_log" 2>&1; then
  status=1
fi
# run-clang-tidy 14 always colours its output: strip the escapes so the log reads and greps plain.
sed -i 's/\x1b\[[0-9;]*m//g' "$tidy_log"
# run-clang-tidy echoes every command and clang-tidy counts suppressed warnings: keep the findings.
grep -vE '^(clang-tidy|[0-9]+ warnings? (and [0-9]+ errors? )?generated|Suppressed|Use -header-filter)' \
  "$tidy_log" || true
# A finding in a header shows once per translation unit that includes it: count each once.
# (grep exits 1 when nothing matches: under pipefail that would end the script on a clean tree.)
findings=$({ grep -E '(warning|error): .*\[[a-z0-9.,-]+\]$' "$tidy_log" || true; } | sort -u | wc -l)
echo "lint: clang-tidy took $((SECONDS - tidy_start)) s, ${findings} finding(s)"

echo "lint: total $((SECONDS - start)) s"
[ "$status" = 0 ] && echo "lint: passed" || echo "lint: FAILED"
exit "$status"
