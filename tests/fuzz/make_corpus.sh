#!/usr/bin/env bash
# Rebuilds the seed corpora in tests/fuzz/corpus/ from real data: every frame
# of the golden pcaps (decode), the golden captures whole (pcap), the UI's
# test recording plus any RECORDING.jsonl given, e.g. one made with
# `socklab record` (recording), one datagram per kind of record in them
# (event), and the lessons (lesson). Inputs that once crashed a target are
# kept in tests/fuzz/corpus/*/crash-* and are not touched.
#   usage: tests/fuzz/make_corpus.sh [RECORDING.jsonl...]
set -eu
cd "$(dirname "$0")/../.."
python3 - "$@" <<'PY'
import glob, hashlib, json, os, struct, sys
recordings = ["tests/golden/echo.jsonl"] + sys.argv[1:]

def put(target, data):
    d = os.path.join("tests/fuzz/corpus", target)
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb").write(data)

for p in sorted(glob.glob("tests/golden/*.pcap")):
    b = open(p, "rb").read()
    e = "<" if struct.unpack("<I", b[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    off = 24
    while off + 16 <= len(b):
        incl = struct.unpack(e + "I", b[off + 8:off + 12])[0]
        put("decode", b[off + 16:off + 16 + incl])
        off += 16 + incl
for p in sorted(glob.glob("tests/golden/*.pcap*")):
    put("pcap", open(p, "rb").read())
kinds = {}
for p in recordings:
    put("recording", open(p, "rb").read())
    for line in open(p, "rb"):
        line = line.rstrip(b"\n")
        r = json.loads(line)
        kinds.setdefault((r["type"], r.get("phase"), r.get("call"), r.get("role"), r.get("flags")), line)
for line in kinds.values():
    put("event", line)
put("event", b'{"type":"step","ts_ns":1764107207123400000,"proc":"client","pid":4242,"seq":7,"call":"connect",'
             b'"fd":3,"args":"3, 127.0.0.1:8080","reply":"/run/user/1000/socklab/step-4242.sock"}')
put("event", b'{"type":"go","seq":7}')
put("event", b'{"type":"stats","ts_ns":1764107207123400000,"seen":10,"tcp":10,"dropped":0,"if_dropped":0,'
             b'"truncated":0,"invalid":0,"not_tcp":0,"connections":1}')
for p in sorted(glob.glob("lessons/*/*.lesson")):
    put("lesson", open(p, "rb").read())
PY
for d in tests/fuzz/corpus/*; do echo "$d: $(find "$d" -type f | wc -l) files"; done
