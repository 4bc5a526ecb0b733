# lib.sh: TAP helpers and a private environment for integration tests.
# Source it; then call ok/fail/is/like and finally `done_testing`.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
VA=${VA:-./va}
case $VA in /*) ;; *) VA="$ROOT/${VA#./}" ;; esac
export VA_SHARE_DIR="$ROOT/share"
export TZ=UTC LC_ALL=C.UTF-8
T=$(mktemp -d "${TMPDIR:-/tmp}/va-it.XXXXXX")
export HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data" XDG_STATE_HOME="$T/state"
mkdir -p "$HOME"
trap 'rm -rf "$T"' EXIT
_n=0 _bad=0

ok() { _n=$((_n + 1)); echo "ok $_n - $1"; }
fail() { _n=$((_n + 1)); _bad=$((_bad + 1)); echo "not ok $_n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
skip() { _n=$((_n + 1)); echo "ok $_n - $1 # skip $2"; }
# check DESC CMD...: passes when CMD succeeds
check() { local d=$1; shift; if "$@"; then ok "$d"; else fail "$d" "command failed: $*"; fi; }
# is DESC GOT WANT
is() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got:  $2" "want: $3"; fi; }
# like DESC GOT SUBSTRING
like() { case "$2" in *"$3"*) ok "$1" ;; *) fail "$1" "got:  $2" "want to contain: $3" ;; esac; }
unlike() { case "$2" in *"$3"*) fail "$1" "got:  $2" "want not to contain: $3" ;; *) ok "$1" ;; esac; }
# run CMD...: sets OUT, ERR, RC
run() { OUT=$("$@" 2>"$T/stderr"); RC=$?; ERR=$(cat "$T/stderr"); }
# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds or time runs out
wait_for() { local i n=$(($1 * 10)); shift; for ((i = 0; i < n; i++)); do "$@" && return 0; sleep 0.1; done; return 1; }
done_testing() { echo "1..$_n"; [ $_bad -eq 0 ]; }
