#!/bin/sh
# deps.sh runtime|test|bench: install the Debian packages va needs (with sudo when
# not root), only when something is missing.  Runtime: libraries, gnuplot.
# Test: what the test suite and `make lint` use (cmocka, tmux, real servers,
# node/npm for the data sets).  Bench: the peer tools the benchmarks compare with.
set -eu

RUNTIME="build-essential pkg-config libncurses-dev libcurl4-gnutls-dev libsqlite3-dev
libetpan-dev libcjson-dev libsecret-1-dev libcsv-dev libsodium-dev gnuplot-nox libsasl2-modules
ca-certificates"
TEST="$RUNTIME libcmocka-dev tmux npm jq cppcheck clang-format python3 gnome-keyring
libsecret-tools dbus curl openssl tzdata dovecot-imapd dovecot-lmtpd dovecot-submissiond opensmtpd
sqlite3 dovecot-sieve clang libclang-rt-14-dev gdb procps util-linux"
BENCH="$TEST notmuch neomutt miller datamash isync bogofilter time"

case "${1:-runtime}" in
runtime) want=$RUNTIME ;;
test) want=$TEST ;;
bench) want=$BENCH ;;
*) echo "usage: $0 runtime|test|bench" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	# npm may come from a non-Debian install (nodesource, nvm): accept any npm on PATH
	if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# --no-upgrade: never upgrade what the machine already has (curl/openssl)
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends --no-upgrade $missing >/dev/null
