#!/bin/bash
# run.sh: the whole test suite.  Runs every cmocka unit test, every
# integration and TUI script, and the layer check; each speaks TAP.  Prints a
# per-suite line and ends with one line: "N passed, N failed".
#
# Env: VA (binary, default ./va), BUILD (build dir), SAN=1 (sanitizer build),
#      ONLY=pattern (run only suites whose name matches).
set -u
cd "$(dirname "$0")/.."
export VA="${VA:-./va}" BUILD="${BUILD:-build}"
export VA_SHARE_DIR="$PWD/share"
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LC_ALL=C.UTF-8 TZ=UTC
LOG="$BUILD/tests/log"
mkdir -p "$LOG"

passed=0 failed=0 failed_names=""

# The real data every corpus test reads (npm, into tests/.cache): fetched once
# here, so no suite depends on another having run first.
if ! tests/fetch-data.sh >"$LOG/fetch-data.log" 2>&1; then
	echo "run.sh: tests/fetch-data.sh failed (see $LOG/fetch-data.log): the corpus tests will fail" >&2
fi

# run_suite NAME CMD...: count TAP "ok"/"not ok" lines; a crash or a missing
# plan counts as one more failure.
run_suite() {
	local name=$1; shift
	if [ -n "${ONLY:-}" ] && [[ $name != *$ONLY* ]]; then return; fi
	local out="$LOG/${name////_}.log" start=$SECONDS
	"$@" >"$out" 2>&1
	local rc=$?
	local ok nok skip
	ok=$(grep -cE '^ok ' "$out")
	nok=$(grep -cE '^not ok ' "$out")
	skip=$(grep -cE '^ok .*# (skip|SKIP)' "$out")
	if [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then
		nok=1
		echo "not ok - $name exited with status $rc" >>"$out"
	fi
	if ! grep -qE '^1\.\.[0-9]+' "$out"; then
		nok=$((nok + 1))
		echo "not ok - $name printed no TAP plan" >>"$out"
	fi
	passed=$((passed + ok))
	failed=$((failed + nok))
	printf '%-28s %4d passed %3d failed %3d skipped  %3ds\n' "$name" "$ok" "$nok" "$skip" $((SECONDS - start))
	if [ "$nok" -gt 0 ]; then
		failed_names="$failed_names $name"
		grep -E '^not ok|^# |ERROR|runtime error|AddressSanitizer|LeakSanitizer' "$out" | head -40 | sed 's/^/    /'
	fi
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	run_suite "unit/$(basename "$t")" "$t"
done
for t in tests/integration/test_*.sh tests/tui/test_*.sh; do
	run_suite "${t#tests/}" bash "$t" # run even when the x bit was forgotten: never a silent skip
done
run_suite "layers" tests/check-layers.sh

[ -n "$failed_names" ] && echo "failed suites:$failed_names (logs in $LOG/)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
