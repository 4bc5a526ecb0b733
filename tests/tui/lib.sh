# lib.sh: what the TUI test scripts share (source it, then `tui_init NAME`).
# Each script drives the real binary in its own tmux server (-L va-NAME-PID)
# with fresh XDG directories per session; only that server is ever killed;
# every wait polls the screen with a timeout.  Prints TAP through ok/not_ok.

# tui_init NAME: VA (absolute), SOCK, TMP, the counters, clean-up; skips the
# whole script (a TAP plan of 0) when tmux or the binary is missing.
tui_init() {
	VA=${VA:-./va}
	case $VA in /*) ;; *) VA=$(pwd)/$VA ;; esac
	SOCK=va-$1-$$
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/va-tui-$1.XXXXXX")
	N=0
	FAILED=0
	trap tui_cleanup EXIT
	trap 'exit 1' INT TERM
	if ! command -v tmux >/dev/null 2>&1; then
		echo "1..0 # SKIP tmux is not installed"
		exit 0
	fi
	if [ ! -x "$VA" ]; then
		echo "1..0 # SKIP no binary at $VA (build it first)"
		exit 0
	fi
}
tui_cleanup() {
	tmux -L "$SOCK" kill-server 2>/dev/null
	rm -rf "$TMP"
}

ok() { N=$((N + 1)); echo "ok $N - $1"; }
not_ok() {
	N=$((N + 1))
	FAILED=$((FAILED + 1))
	echo "not ok $N - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/# /'
	return 0
}
# check DESC CMD...: ok when CMD succeeds, else not ok with the screen
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc" "$(screen)"; fi
}

tm() { tmux -L "$SOCK" "$@"; }
screen() { tm capture-pane -p -t va 2>/dev/null; }
send() { tm send-keys -t va "$@"; }
# wait_for PATTERN [TENTHS]: until the screen matches (extended regex).
wait_for() {
	i=0
	while [ "$i" -lt "${2:-100}" ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
shows() { screen | grep -Eq -- "$1"; }
lacks() { ! screen | grep -Eq -- "$1"; }
# wait_gone PATTERN [TENTHS]: until the screen no longer shows PATTERN.
wait_gone() {
	i=0
	while [ "$i" -lt "${2:-100}" ]; do
		lacks "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# status_has PATTERN [TENTHS]: the last screen line (the status line) matches, polled.
status_has() {
	i=0
	while [ "$i" -lt "${2:-100}" ]; do
		screen | tail -n 1 | grep -Eq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# until_true CMD...: poll a command for up to 10 s.
until_true() {
	i=0
	while [ "$i" -lt 100 ]; do
		"$@" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# envs NAME: the environment of session NAME, for the CLI and the TUI alike
envs() {
	echo "XDG_CONFIG_HOME=$TMP/$1/config XDG_DATA_HOME=$TMP/$1/data XDG_STATE_HOME=$TMP/$1/state"
}
# cli NAME ARGS...: the CLI on session NAME's data
cli() {
	name=$1
	shift
	env $(envs "$name") "$VA" "$@"
}
# start NAME [ENV=VALUE...]: va in a new 100x30 session; exit status to $TMP/NAME.rc.
start() {
	name=$1
	shift
	rm -f "$TMP/$name.rc"
	tm new-session -d -s va -x 100 -y 30 \
		"env $(envs "$name") TERM=screen-256color $* '$VA' 2>'$TMP/$name.err'; \
		echo \$? >'$TMP/$name.rc'"
}
# exited NAME: va ended with status 0 and nothing on stderr (sanitizers).
exited() {
	i=0
	while [ ! -s "$TMP/$1.rc" ] && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(cat "$TMP/$1.rc" 2>/dev/null)" = 0 ] && [ ! -s "$TMP/$1.err" ]
}
