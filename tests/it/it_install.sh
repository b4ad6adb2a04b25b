#!/usr/bin/env bash
# `make install` into a scratch DESTDIR puts the four programs, their man
# pages and the lessons in place; every page renders without groff warnings
# and documents every option and command its program's --help lists.
. "$(dirname "$0")/../lib/helpers.sh"
PROGRAMS="socklab socklab-trace echo-server echo-client"
command -v make >/dev/null || skip "make is not installed"
dest=$TMP
failed=0

# -o all: install what `make test` built (any variant), rebuild nothing.
if ! make -s -C "$ROOT" -o all install DESTDIR="$dest" PREFIX=/usr >"$dest/make.log" 2>&1; then
	echo "FAIL: make install DESTDIR=$dest PREFIX=/usr:"; cat "$dest/make.log"
	exit 1
fi

for p in $PROGRAMS; do
	bin=$dest/usr/bin/$p page=$dest/usr/share/man/man1/$p.1
	if [ ! -x "$bin" ] || ! "$bin" --help >/dev/null 2>&1; then
		echo "FAIL: $bin missing, not executable or --help fails"; failed=1
	fi
	if [ ! -f "$page" ]; then
		echo "FAIL: $page missing"; failed=1; continue
	fi
	# the page's text with roff's \- turned back into plain hyphens
	text=$(sed 's/\\-/-/g' "$page")
	help=$("$ROOT/bin/$p" --help)
	[ "$p" = socklab ] && help+=$'\n'$("$ROOT/bin/$p" lesson --help)
	while read -r opt; do
		grep -qF -- "$opt" <<<"$text" || { echo "FAIL: $p.1 does not document $opt (listed by $p --help)"; failed=1; }
	done < <(grep -oE -- '--[a-z][a-z0-9-]*' <<<"$help" | sort -u)
	while read -r cmd; do
		grep -qE -- "^\.(SY|BI?) \"?$p $cmd" <<<"$text" ||
			{ echo "FAIL: $p.1 has no entry for '$p $cmd' (listed by $p --help)"; failed=1; }
	done < <(sed -nE "s/^(usage:)? +$p ([a-z]+).*/\2/p" <<<"$help" | sort -u)
done

# the installed socklab finds the installed lessons (share/socklab/lessons)
for lang in en zh; do
	want=$(find "$ROOT/lessons/$lang" -maxdepth 1 -name '*.lesson' | wc -l)
	got=$(cd / && "$dest/usr/bin/socklab" lesson --lang $lang | grep -cE '^ *[0-9]+ ')
	[[ $want -gt 0 && $got -eq $want ]] ||
		{ echo "FAIL: installed socklab lesson --lang $lang lists $got lessons, the tree has $want"; failed=1; }
done
[ "$failed" -eq 0 ] || exit 1

command -v groff >/dev/null ||
	skip "groff is not installed (apt-get install groff-base): the pages were not checked for warnings"
for p in $PROGRAMS; do
	warnings=$(groff -man -ww -z "$dest/usr/share/man/man1/$p.1" 2>&1)
	[ -z "$warnings" ] || { echo "FAIL: groff -man -ww $p.1:"; echo "$warnings"; failed=1; }
done
exit $failed
