#!/bin/bash
# lint.sh: static checks that CI runs (`make lint`): cppcheck on all sources,
# the layer/banned-function check, and shell syntax of the test scripts.
# clang-format differences are reported but not fatal (style, not bugs).
set -u
cd "$(dirname "$0")/.."
rc=0
echo "== cppcheck"
cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability,performance \
	--inline-suppr --suppress=missingIncludeSystem -Iinclude \
	-D__GNUC__ src tests/unit tests/tools || rc=1
echo "== layers"
tests/check-layers.sh | grep -v '^ok' || true
tests/check-layers.sh >/dev/null || rc=1
echo "== shell syntax"
for f in tests/*.sh tests/*/*.sh .ci/run; do bash -n "$f" || rc=1; done
echo "== clang-format (advisory)"
n=0
for f in src/*/*.c include/va/*.h; do
	clang-format --dry-run "$f" 2>&1 | grep -q warning && n=$((n + 1))
done
echo "$n files differ from .clang-format (advisory)"
exit $rc
