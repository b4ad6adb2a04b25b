#!/usr/bin/env bash
# The layers are the compiler's to enforce (Makefile, docs/architecture.md):
#   common/  <-  tracer/core/  <-  tracer/  <-  ui/  <-  ui/lesson/
#   common/  <-  lab/
#   common/  <-  run/
#   common/  <-  wire/  <-  ui/
# Each folder is compiled with its own -I list (make print-INC_<layer>), so
# a file that includes a header of a folder its layer may not see fails to
# build with "No such file", and one that includes a header of its own or a
# lower layer builds. A probe file is compiled here with the Makefile's own
# compiler, flags and list: once with every header of the folders a layer
# sees, and once with a header of each folder it does not see (the -I list
# opens or closes a whole folder). The Makefile is checked to compile each
# folder's sources with that list. Last, the lab programs link no tracer or
# UI code: nm finds none of their symbols.
. "$(dirname "$0")/../lib/helpers.sh"
cd "$ROOT" || exit 1

# mk ARGS...: make for the variant under test ($BUILD), without the flags
# of a make that runs this test (its jobserver, its goals).
variant=${BUILD#build/}
san=
[[ $variant == san-* ]] && san=${variant#san-} && san=${san//-/,}
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory SANITIZE="$san" "$@"; }

FOLDERS=(common tracer/core tracer lab run wire ui ui/lesson)
# layer (the Makefile's INC_ name) and the folders it may include from; every
# other folder of FOLDERS is out of its reach
declare -A MAY_SEE=(
	[common]="common"
	[tracer_core]="common tracer/core"
	[tracer]="common tracer/core tracer"
	[lab]="common lab"
	[run]="common run"
	[wire]="common wire"
	[ui]="common tracer/core tracer wire ui"
	[lesson]="common tracer/core tracer wire ui ui/lesson"
)
# a source file of each layer, to see the list its compile command uses
declare -A SOURCE_OF=([common]=common [tracer_core]=tracer/core [tracer]=tracer [lab]=lab [run]=run [wire]=wire [ui]=ui [lesson]=ui/lesson)

LAYERS=(common tracer_core tracer lab run wire ui lesson)
# one make for every value: a line each, in the order asked
mapfile -t vals < <(mk print-CC print-CPPFLAGS print-CFLAGS "${LAYERS[@]/#/print-INC_}")
[ ${#vals[@]} -eq $((3 + ${#LAYERS[@]})) ] || fail "make print-...: ${#vals[@]} lines: ${vals[*]}"
read -ra cc <<<"${vals[0]}"
read -ra cppflags <<<"${vals[1]}"
read -ra cflags <<<"${vals[2]}"
declare -A INC
for i in "${!LAYERS[@]}"; do INC[${LAYERS[$i]}]=${vals[$((3 + i))]}; done

# probe INC HEADER...: compiles a file that includes each HEADER, with the -I
# list INC, as the Makefile compiles a source (the compiler's words in
# $TMP/probe.err).
probe() {
	local incs h
	read -ra incs <<<"$1"
	shift
	for h in "$@"; do printf '#include "%s"\n' "$h"; done >"$TMP/probe.c"
	echo 'int layers_probe;' >>"$TMP/probe.c"
	"${cc[@]}" "${cppflags[@]}" "${incs[@]}" "${cflags[@]}" -c "$TMP/probe.c" -o "$TMP/probe.o" >"$TMP/probe.err" 2>&1
}

for layer in "${LAYERS[@]}"; do
	inc=${INC[$layer]}
	[ -n "$inc" ] || fail "make print-INC_$layer printed nothing"
	read -ra may <<<"${MAY_SEE[$layer]}"

	# the Makefile compiles the layer's sources with exactly that list
	src=$(find "${SOURCE_OF[$layer]}" -maxdepth 1 -name '*.c' ! -name main.c | sort | head -n1)
	if [ -n "$src" ]; then
		cmd=$(mk -n -B "$BUILD/${src%.c}.o" | grep -F -- " -c $src ")
		[ -n "$cmd" ] || fail "make -n -B $BUILD/${src%.c}.o shows no compile command for $src"
		used=$(grep -oE -- '(^| )-I[^/ ][^ ]*' <<<"$cmd" | tr -d ' ' | tr '\n' ' ')
		[ "${used% }" = "$inc" ] || fail "$src is compiled with '${used% }', not INC_$layer '$inc'"
	fi

	# every header of the folders it sees, in one file, builds
	mine=()
	for d in "${may[@]}"; do
		for h in "$d"/*.h; do [ -e "$h" ] && mine+=("${h##*/}"); done
	done
	[ ${#mine[@]} -gt 0 ] || fail "$layer: its folders ${may[*]} have no header"
	probe "$inc" "${mine[@]}" || fail "$layer ($inc) cannot include its own headers: $(head -n 5 "$TMP/probe.err")"

	# a header of each folder it does not see fails to build, for want of the file
	refused=()
	for dir in "${FOLDERS[@]}"; do
		[[ " ${may[*]} " == *" $dir "* ]] && continue
		for h in "$dir"/*.h; do
			name=${h##*/}
			[ -e "$h" ] || continue
			# a header of that name in a folder the layer sees is no crossing
			for d in "${may[@]}"; do [ -e "$d/$name" ] && continue 2; done
			probe "$inc" "$name" && fail "$layer ($inc) builds with $h, a header of a layer it may not see"
			grep -q "$name: No such file" "$TMP/probe.err" ||
				fail "$layer including $h failed, but not for want of the file: $(head -n 5 "$TMP/probe.err")"
			refused+=("$h")
			break
		done
	done
	[ ${#refused[@]} -gt 0 ] || fail "$layer: no header out of its reach was tried"
	echo "$layer ($inc): its ${#mine[@]} headers build; No such file for ${refused[*]}"
done

# The lab programs link no code of tracer/core, tracer/, ui/ or ui/lesson.
for lib in libtracecore libtracer libui liblesson; do
	[ -f "$BUILD/$lib.a" ] || fail "$BUILD/$lib.a is missing (make builds it)"
done
nm -g --defined-only "$BUILD"/{libtracecore,libtracer,libui,liblesson}.a 2>/dev/null |
	awk 'NF == 3 { print $3 }' | sort -u >"$TMP/upper.syms"
defined() { nm --defined-only "$1" | awk 'NF == 3 { print $3 }' | sort -u; }
# the check can see: the tracer has the tracer's symbols (output_json, decode_*, ...)
defined "$BIN/socklab-trace" | comm -12 - "$TMP/upper.syms" >"$TMP/trace.syms"
{ grep -qx output_json "$TMP/trace.syms" && grep -q '^decode_' "$TMP/trace.syms"; } ||
	fail "nm finds no output_json / decode_* in bin/socklab-trace: the symbol check would see nothing"
for prog in echo-server echo-client; do
	defined "$BIN/$prog" | comm -12 - "$TMP/upper.syms" >"$TMP/$prog.syms"
	[ -s "$TMP/$prog.syms" ] && fail "bin/$prog links tracer or UI code: $(head -n 10 "$TMP/$prog.syms" | tr '\n' ' ')"
	echo "bin/$prog: none of the $(wc -l <"$TMP/upper.syms") tracer and UI symbols"
done
echo PASS
