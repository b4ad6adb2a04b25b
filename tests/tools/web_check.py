#!/usr/bin/env python3
"""web_check.py: what a person sees of `socklab export --format html|svg`,
checked in the system's headless Chromium (tests/tools/cdp.py). Each
subcommand exits 0 when every check holds, 1 with "FAIL: ..." lines when
one does not, 77 when chromium cannot run here.

  player PAGE REC --socklab BIN --shots DIR   keys, rows, states, explanations,
                                              connection switcher, en and zh
  details PAGE PCAP --shots DIR               the details (d): layers, fields and
                                              bytes as tshark -T pdml has them
  svg FILE.svg --shot PNG [--min-rows N]      renders; text >= 14 px, no two
                                              text boxes overlapping
  hostile PAGE FILE.svg                       runs no script it did not ship
  bench PAGE [--runs N]                       load -> interactive, in ms
  opens PAGE CONN                             the page opens on connection CONN
  shot FILE PNG                               the whole page or picture as a
                                              PNG (the pictures in docs/)

Expectations come from socklab itself (export --format text and csv of the
same recording), never from numbers written here."""
import argparse
import csv
import io
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402

FAILS = []

# Records CSP violations before the page's own script runs (DevTools adds
# this to every new document; the page cannot see or stop it).
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' ' + (e.sample || ''));
});
"""

SEL_ROW = """(function () {
  var r = document.querySelector('#spacer .row.sel');
  if (!r) return null;
  function t(q) { var e = r.querySelector(q); return e ? e.textContent : ''; }
  return {time: t('.time'), conn: t('.cn'), client: t('.lane.client'), label: t('.arrow .label'),
          server: t('.lane.server'), row: Number(r.dataset.row)};
})()"""


def check(ok, what):
    if not ok:
        FAILS.append(what)
        print("FAIL: " + what)
    return ok


def text_of(page, ident):
    return page.eval("document.getElementById(%s).textContent" % json.dumps(ident))


def where(page):
    """(selected row, rows in the view) from the line a person reads."""
    words = text_of(page, "where").split()
    nums = [int(w) for w in words if w.isdigit()]
    return (nums[0], nums[1]) if len(nums) >= 2 else (None, None)


def run_socklab(sock, *args):
    return subprocess.run([sock, "export"] + list(args), check=True, capture_output=True,
                          text=True).stdout


def expectations(sock, rec):
    """The first connection, its rows as the text export draws them, the
    SYN's state changes and why sentences in en and zh."""
    rows = {}
    for lang in ("en", "zh"):
        rows[lang] = list(csv.DictReader(io.StringIO(run_socklab(sock, rec, "--format", "csv",
                                                                 "--lang", lang))))
    conn = int(rows["en"][0]["conn"])
    text = run_socklab(sock, rec, "--format", "text", "--conn", str(conn), "--width", "400").splitlines()[2:]
    alltext = run_socklab(sock, rec, "--format", "text", "--width", "400").splitlines()[2:]
    syn = [i for i, r in enumerate(rows["en"]) if int(r["conn"]) == conn and r["role"] == "client"
           and r["to"] == "SYN_SENT"][0]
    ts = int(rows["en"][syn]["ts_ns"])
    server = [r for r in rows["en"] if int(r["conn"]) == conn and r["role"] == "server"]
    before = [r for r in server if int(r["ts_ns"]) <= ts]
    return {"conn": conn, "text": text, "all": len(alltext), "why_en": rows["en"][syn]["why"],
            "why_zh": rows["zh"][syn]["why"], "server_state": before[-1]["to"] if before else server[0]["from"],
            "conns": sorted({int(r["conn"]) for r in rows["en"]})}


def open_page(b, path):
    page = b.open("file://" + os.path.abspath(path), WATCH)
    page.wait_for("document.documentElement.dataset.ready === '1'", what="the player to start")
    return page


def page_is_clean(page, what):
    check(not page.exceptions(), "%s: script errors: %s" % (what, page.exceptions()[:2]))
    check(page.eval("window.__violations.length") == 0,
          "%s: content security policy violations: %s" % (what, page.eval("window.__violations")))
    check(page.eval("document.scripts.length") == 2,
          "%s: %s script elements, expected 2 (data, player)" % (what, page.eval("document.scripts.length")))


def goto(page, k):
    """Selects row k (1-based) of the view with the lab's keys."""
    page.key("g")
    for _ in range(k - 1):
        page.key("j")
    return where(page)[0] == k


def cmd_player(a):
    exp = expectations(a.socklab, a.recording)
    with cdp.Browser(1280, 720) as b:
        page = open_page(b, a.page)
        page_is_clean(page, "page")
        # the connection switcher: Tab until the first connection is shown
        seen = []
        for _ in range(len(exp["conns"]) + 2):
            if page.eval("document.documentElement.dataset.conn") == str(exp["conn"]):
                break
            page.key("Tab")
            seen.append(text_of(page, "connname"))
        check(page.eval("document.getElementById('conn').value") == str(exp["conn"]),
              "Tab did not reach connection #%d (switcher showed %s)" % (exp["conn"], seen))
        check(text_of(page, "connname").endswith("#%d" % exp["conn"]),
              "the ladder's head says %r" % text_of(page, "connname"))
        n = len(exp["text"])
        page.key("g")
        check(where(page) == (1, n), "g: the page says row %s of %s, the text export has %d rows" %
              (where(page) + (n,)))
        # every row, stepping with j, as the text export draws it
        syn_k = None
        for k in range(1, n + 1):
            r = page.eval(SEL_ROW)
            line = exp["text"][k - 1]
            for field in ("time", "client", "label", "server"):
                if r[field] and r[field] not in line:
                    check(False, "row %d: the page shows %s %r, the text export: %r" % (k, field, r[field], line))
            if r["label"] == "SYN seq=0" and syn_k is None:
                syn_k = k
            if k < n:
                page.key("j" if k % 2 else "ArrowDown")
        check(where(page)[0] == n, "j/ArrowDown did not reach the last row (%s)" % (where(page),))
        print("rows: %d rows of connection #%d match the text export" % (n, exp["conn"]))
        page.key("j")
        check(where(page)[0] == n, "j past the last row moved to %s" % (where(page),))
        page.key("G")
        check(where(page)[0] == n, "G: row %s, expected %d" % (where(page)[0], n))
        page.key("k")
        page.key("ArrowUp")
        check(where(page)[0] == n - 2, "k, ArrowUp from the last row: row %s, expected %d" % (where(page)[0], n - 2))
        # the SYN: states at that row and the explanation, in English then Chinese
        if check(syn_k is not None, "no row with the label 'SYN seq=0'"):
            goto(page, syn_k)
            cs, ss = text_of(page, "cstate"), text_of(page, "sstate")
            check(cs == "SYN_SENT", "at the SYN the client state shows %r, expected SYN_SENT" % cs)
            check(ss == exp["server_state"], "at the SYN the server state shows %r, expected %r" %
                  (ss, exp["server_state"]))
            ex = text_of(page, "text")
            check(exp["why_en"] in ex, "the SYN's explanation lacks %r: %r" % (exp["why_en"], ex))
            page.screenshot(os.path.join(a.shots, "player-en.png"))
            print("SYN row %d: client %s, server %s; explanation: %s" % (syn_k, cs, ss, ex[:120]))
            page.key("L")
            ex_zh = text_of(page, "text")
            check(page.eval("document.documentElement.lang") == "zh", "L did not switch the page to Chinese")
            check(page.eval("document.querySelector('#heads .name').textContent") == "客户端",
                  "in Chinese the client lane is called %r" %
                  page.eval("document.querySelector('#heads .name').textContent"))
            check(exp["why_zh"] in ex_zh, "the Chinese explanation lacks %r: %r" % (exp["why_zh"], ex_zh))
            check(text_of(page, "cstate") == "SYN_SENT", "switching the language moved the selection")
            if exp["why_zh"] != exp["why_en"]:
                check(exp["why_en"] not in ex_zh, "the Chinese page still shows the English sentence")
            page.screenshot(os.path.join(a.shots, "player-zh.png"))
            print("zh: %s" % ex_zh[:120])
            page.key("L")
            check(page.eval("document.documentElement.lang") == "en", "L did not switch back to English")
        # search: / FIN Enter, then n
        page.key("g")
        page.key("/")
        check(page.eval("document.activeElement.id") == "search", "/ did not open the search")
        page.type("FIN|ACK")
        page.key("Enter")
        first = page.eval(SEL_ROW)
        check("FIN" in first["label"], "search FIN|ACK selected %r" % (first,))
        page.key("n")
        second = page.eval(SEL_ROW)
        check("FIN" in second["label"] and second["row"] != first["row"],
              "n did not go to the next FIN: %r then %r" % (first, second))
        page.key("N")
        check(page.eval(SEL_ROW)["row"] == first["row"], "N did not go back to the first FIN")
        # play: space starts, the selection moves on its own, space stops
        page.key("g")
        page.key(" ")
        check(page.eval("document.documentElement.dataset.playing") == "1", "space did not start playing")
        page.wait_for("Number(document.getElementById('where').textContent.match(/\\d+/)[0]) >= 3",
                      what="playing to reach row 3")
        page.key(" ")
        check(page.eval("document.documentElement.dataset.playing") == "0", "space did not pause")
        # help
        page.key("?")
        check(page.eval("!document.getElementById('help').hidden"), "? did not show the keys")
        check("Tab" in text_of(page, "help"), "the help does not list Tab")
        page.key("Escape")
        check(page.eval("document.getElementById('help').hidden"), "Escape did not close the help")
        # all connections: as many rows as the text export of every row
        page.key("a")
        check(text_of(page, "connname") == "all connections", "a: the head says %r" % text_of(page, "connname"))
        check(where(page)[1] == exp["all"], "all connections: %s rows, the text export %d" %
              (where(page)[1], exp["all"]))
        page_is_clean(page, "after the keys")
    return 1 if FAILS else 0


DETAILS = """(function () {
  var d = document.getElementById('details');
  function all(q) { return Array.prototype.map.call(d.querySelectorAll(q), function (e) { return e; }); }
  return {shown: !d.hidden, explain: !document.getElementById('explain').hidden, head: document.getElementById('dhead').textContent,
          layers: all('#dtree .layer').map(function (e) { return e.textContent; }),
          open: all('#dtree .layer.open').map(function (e) { return Number(e.dataset.layer); }),
          fields: all('#dtree .field').map(function (e) { return e.textContent; }),
          bytes: all('#dhex .b').map(function (e) { return parseInt(e.textContent, 16); }),
          hl: all('#dhex .b.hl').map(function (e) { return Number(e.dataset.off); }),
          hf: all('#dhex .b.hf').map(function (e) { return Number(e.dataset.off); }),
          title: document.getElementById('dbytes').textContent};
})()"""


def pdml_frame(pcap, dfilter):
    """The first frame matching dfilter as Wireshark dissects it: its bytes,
    its protocols below the frame [(name, pos, size, {field: (showname, pos, size)})]."""
    import xml.etree.ElementTree as ET
    xml = subprocess.run(["tshark", "-r", pcap, "-Y", dfilter, "-T", "pdml"], check=True, capture_output=True,
                         text=True).stdout
    pkt = ET.fromstring(xml).find("packet")
    num = pkt.find("proto[@name='frame']/field[@name='frame.number']").get("show")
    hexdump = subprocess.run(["tshark", "-r", pcap, "-Y", "frame.number==" + num, "-x"], check=True,
                             capture_output=True, text=True).stdout
    data = []
    for line in hexdump.splitlines():
        parts = line.split("  ")
        if len(parts) >= 2 and len(parts[0]) == 4 and all(c in "0123456789abcdef" for c in parts[0]):
            data += [int(x, 16) for x in parts[1].split()]
    protos = []
    for p in pkt.findall("proto"):
        if p.get("name") in ("geninfo", "frame"):
            continue
        fields = {}
        for f in p.iter("field"):
            if f.get("name") and f.get("showname") is not None and f.get("pos") is not None:
                fields.setdefault(f.get("name"), (f.get("showname"), int(f.get("pos")), int(f.get("size"))))
        protos.append((p.get("name"), int(p.get("pos")), int(p.get("size")), fields))
    return data, protos


def select_label(page, prefix):
    page.key("g")
    for _ in range(400):
        r = page.eval(SEL_ROW)
        if r["label"].startswith(prefix):
            return True
        before = where(page)[0]
        page.key("j")
        if where(page)[0] == before:
            return False
    return False


def cmd_details(a):
    """The details pane (d) of a two-host wire recording: the ARP request's
    and the SYN's frame as layers, fields and bytes, checked against
    Wireshark's dissection of the same frames (tshark -T pdml) of the
    recording's pcap; English, then Chinese."""
    cases = [("ARP who-has", "arp.opcode==1", "arp", ["arp.opcode", "arp.hw.size", "arp.proto.size",
                                                       "arp.src.proto_ipv4", "arp.dst.proto_ipv4"]),
             ("SYN seq=0", "tcp.flags==0x002", "tcp", ["tcp.srcport", "tcp.dstport", "tcp.window_size_value"])]
    with cdp.Browser(1280, 720) as b:
        page = open_page(b, a.page)
        page_is_clean(page, "page")
        for label, dfilter, proto, names in cases:
            data, protos = pdml_frame(a.pcap, dfilter)
            if not check(select_label(page, label), "no row labelled %r" % label):
                continue
            if not page.eval(DETAILS)["shown"]:
                page.key("d")
            d = page.eval(DETAILS)
            check(d["shown"] and not d["explain"], "d did not open the details in place of the explanation")
            check(str(len(data)) in d["head"], "%s: the details say %r, the frame has %d bytes" %
                  (label, d["head"], len(data)))
            check(d["bytes"] == data, "%s: the hex is not the frame's bytes (%d shown, %d in the pcap)" %
                  (label, len(d["bytes"]), len(data)))
            check(len(d["layers"]) == len(protos), "%s: layers %r, Wireshark has %r" %
                  (label, d["layers"], [p[0] for p in protos]))
            # each layer in turn (Tab): open, and its bytes highlighted where
            # Wireshark puts it; the layer chosen stays from row to row (as in
            # the terminal), so Tab first to the first one
            for _ in range(len(protos)):
                if page.eval(DETAILS)["open"] == [0]:
                    break
                page.key("Tab")
            for k, (name, pos, size, fields) in enumerate(protos):
                d = page.eval(DETAILS)
                check(d["open"] == [k], "%s: layer %d is not the open one (%r)" % (label, k, d["open"]))
                check(d["hl"] == list(range(pos, pos + size)), "%s: layer %s highlights bytes %s..%s, Wireshark %d..%d" %
                      (label, name, d["hl"][:1], d["hl"][-1:], pos, pos + size - 1))
                if name == proto:
                    for n in names:
                        check(n in fields and fields[n][0] in d["fields"], "%s: no field %r among %r" %
                              (label, fields.get(n, (n,))[0], d["fields"]))
                    # a field clicked: its bytes marked
                    show, fpos, fsize = fields[names[-1]]
                    page.eval("Array.prototype.find.call(document.querySelectorAll('#dtree .field'), function (e) "
                              "{ return e.textContent === %s; }).click()" % json.dumps(show))
                    d = page.eval(DETAILS)
                    check(d["hf"] == list(range(fpos, fpos + fsize)), "%s: field %r marks bytes %r, Wireshark %d+%d" %
                          (label, show, d["hf"], fpos, fsize))
                    page.screenshot(os.path.join(a.shots, "details-%s-en.png" % proto))
                    print("%s: %d bytes, layers %s; %s marks bytes %d..%d" %
                          (label, len(data), [p[0] for p in protos], show, fpos, fpos + fsize - 1))
                page.key("Tab")
            check(page.eval(DETAILS)["open"] == [0], "%s: Tab past the last layer did not come back to the first" % label)
            # a byte clicked: the innermost layer holding it opens
            last = protos[-1]
            page.eval("document.querySelector('#dhex .b[data-off=\"%d\"]').click()" % last[1])
            check(page.eval(DETAILS)["open"] == [len(protos) - 1], "%s: clicking byte %d did not open layer %s" %
                  (label, last[1], last[0]))
            # Chinese: names from the same table, the words inside values too
            en = page.eval(DETAILS)
            page.key("L")
            zh = page.eval(DETAILS)
            check(zh["layers"] != en["layers"] and zh["title"] != en["title"],
                  "%s: L left the details in English: %r" % (label, zh["layers"]))
            check(all("：" in f for f in zh["fields"]), "%s: zh fields %r" % (label, zh["fields"]))
            for word in ("bytes", "request", "reply", "len "):
                check(not any(word in t for t in zh["fields"] + zh["layers"] + [zh["head"]]),
                      "%s: %r left in English in the Chinese details: %r" % (label, word, zh["fields"] + zh["layers"]))
            check(zh["bytes"] == en["bytes"] and zh["hl"] == en["hl"], "%s: the bytes changed with the language" % label)
            page.screenshot(os.path.join(a.shots, "details-%s-zh.png" % proto))
            print("%s zh: %s / %s" % (label, zh["layers"][-1], zh["fields"][:2]))
            page.key("L")
        # a row with no frame (the release): said, no layers; Escape closes
        page.key("G")
        d = page.eval(DETAILS)
        check(d["shown"] and d["head"] and not d["layers"] and not d["bytes"],
              "the last row (no frame) shows %r" % (d,))
        page.key("Escape")
        d = page.eval(DETAILS)
        check(not d["shown"] and d["explain"], "Escape did not close the details")
        page_is_clean(page, "after the details")
    return 1 if FAILS else 0


SVG_BOXES = """(function () {
  var out = [];
  document.querySelectorAll('text').forEach(function (t) {
    var b = t.getBBox(), m = t.getScreenCTM();
    out.push({x: m.a * b.x + m.e, y: m.d * b.y + m.f, w: m.a * b.width, h: m.d * b.height,
              px: parseFloat(getComputedStyle(t).fontSize) * m.a, text: t.textContent});
  });
  var svg = document.documentElement;
  return {boxes: out, width: svg.getBoundingClientRect().width, scripts: document.querySelectorAll('script').length};
})()"""


def cmd_svg(a):
    with cdp.Browser(1280, 720) as b:
        page = b.open("file://" + os.path.abspath(a.svg), WATCH)
        page.wait_for("document.documentElement && document.documentElement.localName === 'svg'",
                      what="the SVG to load")
        r = page.eval(SVG_BOXES)
        page.screenshot(a.shot)
        boxes = r["boxes"]
        check(r["width"] <= 1280, "the picture is %s px wide, wider than 1280" % r["width"])
        rows = [bx for bx in boxes if bx["y"] > 100]
        check(len(boxes) >= a.min_rows, "only %d text elements for %d rows" % (len(boxes), a.min_rows))
        small = [bx for bx in boxes if bx["px"] < 14]
        check(not small, "text below 14 px: %s" % small[:3])
        outside = [bx for bx in boxes if bx["x"] < 0 or bx["x"] + bx["w"] > 1280.5]
        check(not outside, "text outside the picture: %s" % outside[:3])
        over = []
        for i in range(len(boxes)):
            p = boxes[i]
            for q in boxes[i + 1:]:
                if (p["x"] + 0.5 < q["x"] + q["w"] and q["x"] + 0.5 < p["x"] + p["w"] and
                        p["y"] + 0.5 < q["y"] + q["h"] and q["y"] + 0.5 < p["y"] + p["h"]):
                    over.append((p["text"], q["text"]))
        check(not over, "%d pairs of text boxes overlap, e.g. %s" % (len(over), over[:3]))
        check(not page.exceptions() and r["scripts"] == 0, "the SVG runs or holds scripts")
        print("svg: %d text elements (%d below the head), smallest %.1f px, %d overlaps; screenshot %s" %
              (len(boxes), len(rows), min(bx["px"] for bx in boxes), len(over), a.shot))
    return 1 if FAILS else 0


def cmd_hostile(a):
    with cdp.Browser(1280, 720) as b:
        page = open_page(b, a.page)
        page_is_clean(page, "hostile page")
        check(page.eval("typeof window.__pwned") == "undefined", "a script from the recording ran (window.__pwned)")
        check(page.eval("document.querySelectorAll('svg, iframe, img, object, embed').length") == 0,
              "markup from the recording became elements")
        # the hostile strings are there, as text a person can read
        page.key("a")
        for needle in ("</script>", "<svg onload="):
            page.key("g")
            page.key("/")
            page.type(needle)
            page.key("Enter")
            shown = json.dumps(page.eval(SEL_ROW)) + text_of(page, "text")
            check(needle in shown or json.dumps(needle)[1:-1] in shown,
                  "search %r found no row showing it: %s" % (needle, shown[:200]))
        page.key("?")
        page.key("Escape")
        page_is_clean(page, "hostile page after the keys")
        check(page.eval("typeof window.__pwned") == "undefined", "a script from the recording ran later")
        svg = b.open("file://" + os.path.abspath(a.svg), WATCH)
        svg.wait_for("document.readyState === 'complete'")
        check(svg.eval("typeof window.__pwned") == "undefined", "the SVG ran a script from the recording")
        check(svg.eval("document.querySelectorAll('script, foreignObject, [onload]').length") == 0,
              "the SVG holds a script, foreignObject or onload")
        check(not svg.exceptions(), "the SVG threw: %s" % svg.exceptions()[:1])
        print("hostile: no script ran, %d script elements in the page, strings shown as text" %
              page.eval("document.scripts.length"))
    return 1 if FAILS else 0


def cmd_bench(a):
    ready, keys = [], []
    with cdp.Browser(1280, 720) as b:
        for _ in range(a.runs):
            page = open_page(b, a.page)
            ready.append(page.eval("performance.getEntriesByName('socklab-ready')[0].startTime"))
            t = time.monotonic()
            page.key("G")
            page.wait_for("/\\d+ of (\\d+)/.exec(document.getElementById('where').textContent) && "
                          "document.getElementById('where').textContent.split(' ')[1] === "
                          "document.getElementById('where').textContent.split(' ')[3]", what="G")
            keys.append((time.monotonic() - t) * 1000)
            page.send("Page.close")
    ready.sort()
    keys.sort()
    print(json.dumps({"runs": a.runs, "ready_ms_median": round(ready[len(ready) // 2], 1),
                      "ready_ms_max": round(ready[-1], 1), "key_G_ms_median": round(keys[len(keys) // 2], 1)}))
    return 0


def cmd_opens(a):
    with cdp.Browser(1280, 720) as b:
        page = open_page(b, a.page)
        page_is_clean(page, "page")
        check(page.eval("document.documentElement.dataset.conn") == str(a.conn),
              "the page opened on connection %s, not %d" % (page.eval("document.documentElement.dataset.conn"), a.conn))
        check(text_of(page, "connname").endswith("#%d" % a.conn) and
              page.eval("document.getElementById('conn').value") == str(a.conn),
              "the switcher and the head do not say connection #%d: %r" % (a.conn, text_of(page, "connname")))
        print("opens on: %s" % text_of(page, "connname"))
    return 1 if FAILS else 0


def cmd_shot(a):
    with cdp.Browser(1280, 720) as b:
        page = b.open("file://" + os.path.abspath(a.file), WATCH)
        page.wait_for("document.readyState === 'complete'")
        if a.file.endswith(".html"):
            page.wait_for("document.documentElement.dataset.ready === '1'")
            for k in a.keys or "":
                page.key(k)
        h = page.eval("Math.ceil(document.documentElement.getBoundingClientRect().height)")
        r = page.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                  "clip": {"x": 0, "y": 0, "width": 1280,
                                                           "height": max(h, 100), "scale": 1}})
        with open(a.png, "wb") as f:
            f.write(__import__("base64").b64decode(r["data"]))
        print("%s: 1280x%d" % (a.png, h))
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("player")
    p.add_argument("page")
    p.add_argument("recording")
    p.add_argument("--socklab", required=True)
    p.add_argument("--shots", required=True)
    p = sub.add_parser("details")
    p.add_argument("page")
    p.add_argument("pcap")
    p.add_argument("--shots", required=True)
    p = sub.add_parser("svg")
    p.add_argument("svg")
    p.add_argument("--shot", required=True)
    p.add_argument("--min-rows", type=int, default=1)
    p = sub.add_parser("hostile")
    p.add_argument("page")
    p.add_argument("svg")
    p = sub.add_parser("opens")
    p.add_argument("page")
    p.add_argument("conn", type=int)
    p = sub.add_parser("shot")
    p.add_argument("file")
    p.add_argument("png")
    p.add_argument("--keys", help="keys to press first (a page)")
    p = sub.add_parser("bench")
    p.add_argument("page")
    p.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    if not cdp.find_chromium():
        print("SKIP: chromium is not installed (make deps installs it)")
        return 77
    try:
        return {"player": cmd_player, "svg": cmd_svg, "hostile": cmd_hostile, "bench": cmd_bench,
                "shot": cmd_shot, "opens": cmd_opens, "details": cmd_details}[a.cmd](a)
    except cdp.CdpError as e:
        if "closed the DevTools pipe" in str(e) and not FAILS:
            print("SKIP: chromium cannot run here: %s" % e)
            return 77
        print("FAIL: %s" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
