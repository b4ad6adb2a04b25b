#!/usr/bin/env python3
"""gen_hostile.py: the echo fixture (tests/golden/echo.jsonl) with hostile
text wherever a recording carries text: call arguments and data, a packet's
note, a state change's why, a program's argv. Markup that would run script
(</script>, <svg onload=, <img onerror=), quotes, control characters, a line
separator, a non-character, and bytes that are not UTF-8. The page and the
SVG exported from it must show all of it as text and run none of it.

    gen_hostile.py OUT.jsonl [--invalid-utf8]

With --invalid-utf8 some strings also hold bytes that are not UTF-8 (the
recording reader refuses such a line, naming it: the test checks that).
Text that is not UTF-8 reaching the writers another way is test_export.c's."""
import json
import os
import sys

SCRIPT = "</script><script>window.__pwned=1</script>"
SVG = "<svg onload=\"window.__pwned=2\">"


def main():
    out = sys.argv[1]
    fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden", "echo.jsonl")
    lines = []
    for line in open(fixture, encoding="utf-8"):
        r = json.loads(line)
        if r.get("type") == "call" and r["call"] == "connect":
            r["args"] = "3, %s %s ' \" & \u0001\u001b[31m <!-- ]]> \u2028" % (SCRIPT, SVG)
        if r.get("type") == "call" and r["call"] == "write" and r["proc"] == "client":
            r["args"] = '3, "<svg onload=alert(1)>", 5'
            if r["phase"] == "exit":
                r["data"] = "</SCRIPT><img src=x onerror=window.__pwned=3>"
        if r.get("type") == "packet" and r["flags"] == "SYN":
            r["note"] = "</script><script>window.__pwned=4</script>"
        if r.get("type") == "state" and r["to"] == "SYN_SENT":
            r["why"] = "<svg onload=window.__pwned=5> \ufffe \x7f"
        lines.append(json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode())
    data = b"\n".join(lines) + b"\n"
    if "--invalid-utf8" not in sys.argv[2:]:
        open(out, "wb").write(data)
        return
    # bytes that are not UTF-8 inside strings: a stray byte, an overlong
    # '/', an encoded surrogate
    data = data.replace(b'"argv":"echo-client 127.0.0.1 9000"', b'"argv":"echo-client \xff\xfe \xc0\xaf"')
    data = data.replace(b'"args":"4, buf, 1024"', b'"args":"4, \xed\xa0\x80 bad \xff <script>"', 1)
    open(out, "wb").write(data)


if __name__ == "__main__":
    main()
