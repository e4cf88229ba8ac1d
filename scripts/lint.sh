#!/usr/bin/env bash
# The lint stage of scripts/test.sh, also runnable alone:
#   1. clang-format --dry-run --Werror over every tracked *.cpp / *.h (.clang-format at the root);
#   2. clang-tidy (.clang-tidy at the root) over every source of the project, in the unity batches
#      the build uses (see below), in parallel through run-clang-tidy.
# Exits non-zero on any finding and prints how long each part took.
#
# Usage: scripts/lint.sh [BUILD_DIR]   (default build/lint). The directory is configured here
#        (configure only, no build: no header is generated) with clang and the optional fuzz and
#        bench targets on, so its compile_commands.json lists every translation unit of the
#        project, with the flags clang-tidy's own parser understands.
# Environment: LINT_JOBS (default nproc) parallel clang-tidy processes.
# Cost, clang-tidy 14: a unity batch of 16 sources takes about 14 CPU-seconds, where its sources
# read one by one took about 7.6 each (Boost.Beast and Catch2 headers dominate, parsed and matched
# for every unit); the 30 units of the tree took 471 CPU-seconds on 2 shared cores (2026-12-07),
# where 193 single sources took about 1460. The format check takes a second.
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
  -DCWLOGD_FUZZ=ON -DCWLOGD_BENCH=ON -DCWLOGD_UNITY_BUILD=ON >/dev/null
# What clang-tidy reads: each unity batch of the libraries and the tests (CMake writes them at
# configure time), so that the system headers are parsed and matched once per batch rather than
# once per source (about 9 times less CPU), and every source of ours no batch includes. The
# fuzzers' batches repeat library sources: only their own files are read, alone.
# A batch's own file lies in the build directory, so clang-tidy finds the top .clang-tidy for it,
# never tests/.clang-tidy: the test batches get that file's checks on the command line.
units=$(mktemp)
test_units=$(mktemp)
tidy_log=$(mktemp)
trap 'rm -f "$units" "$test_units" "$tidy_log"' EXIT
python3 - "$build_dir" "$PWD" "$test_units" >"$units" <<'PY'
import json, os, re, sys
build, root, test_units = sys.argv[1], sys.argv[2], sys.argv[3]
with open(os.path.join(build, "compile_commands.json"), encoding="utf-8") as f:
    db = json.load(f)
files = sorted({os.path.normpath(os.path.join(e["directory"], e["file"])) for e in db})
batches = [f for f in files if "/Unity/unity_" in f]
included = {}
for batch in batches:
    with open(batch, encoding="utf-8") as f:
        included[batch] = [os.path.normpath(m) for m in re.findall(r'#include "(.*)"', f.read())]
read = [b for b in batches if "_fuzzer.dir/" not in b]
covered = {src for b in read for src in included[b]}
ours = re.compile("^" + re.escape(root) + r"/(api|bench|filters|insights|server|storage|tests|transformers)/.*\.cpp$")
sources = set(files) | {src for b in batches for src in included[b]}
read += sorted(f for f in sources if ours.match(f) and f not in covered)
test_batch = re.compile("^" + re.escape(os.path.abspath(build)) + "/tests/.*/Unity/")
regex = lambda f: "^" + re.escape(f) + "$"
with open(test_units, "w", encoding="utf-8") as f:
    f.write("\n".join(regex(u) for u in read if test_batch.match(u)))
print("\n".join(regex(u) for u in read if not test_batch.match(u)))
PY
echo "lint: clang-tidy over $(cat "$units" "$test_units" | grep -c .) units (unity batches and" \
  "single sources)"
test_checks=$(sed -n '/^Checks:/,$ s/^ *\(-[a-z0-9.-]*\),*$/\1/p' tests/.clang-tidy | paste -sd, -)
mapfile -t unit_regexes <"$units"
mapfile -t test_unit_regexes <"$test_units"
# Exit status: from the findings below, not run-clang-tidy's (every batch "fails" on its own
# #include of .cpp files, which bugprone-suspicious-include reports and we drop).
{
  run-clang-tidy -quiet -p "$build_dir" -j "$jobs" "${unit_regexes[@]}" || true
  # (With no file regex run-clang-tidy would read every file of the database.)
  if [ "${#test_unit_regexes[@]}" -gt 0 ]; then
    run-clang-tidy -quiet -p "$build_dir" -j "$jobs" -checks="$test_checks" \
      "${test_unit_regexes[@]}" || true
  fi
} >"$tidy_log" 2>&1
# run-clang-tidy 14 always colours its output: strip the escapes so the log reads and greps plain.
sed -i 's/\x1b\[[0-9;]*m//g' "$tidy_log"
sed -i -e '/\/Unity\/unity_[0-9]*_cxx\.cxx:[0-9]*:[0-9]*: error: suspicious #include/,+2d' \
  -e '/\/Unity\/unity_[0-9]*_cxx\.cxx:[0-9]*:[0-9]*: note: did you mean to include/,+2d' "$tidy_log"
# run-clang-tidy echoes every command and clang-tidy counts suppressed warnings: keep the findings.
grep -vE '^(clang-tidy|[0-9]+ warnings? (and [0-9]+ errors? )?generated|Suppressed|Use -header-filter)' \
  "$tidy_log" || true
# A finding in a header shows once per translation unit that includes it: count each once.
# (grep exits 1 when nothing matches: under pipefail that would end the script on a clean tree.)
findings=$({ grep -E '(warning|error): .*\[[a-z0-9.,-]+\]$' "$tidy_log" || true; } | sort -u | wc -l)
[ "$findings" = 0 ] || status=1
if grep -qE 'Stack dump|Segmentation fault|PLEASE submit a bug report' "$tidy_log"; then
  echo "lint: clang-tidy crashed (above)"
  status=1
fi
echo "lint: clang-tidy took $((SECONDS - tidy_start)) s, ${findings} finding(s)"

echo "lint: total $((SECONDS - start)) s"
[ "$status" = 0 ] && echo "lint: passed" || echo "lint: FAILED"
exit "$status"
