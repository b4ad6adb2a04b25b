"""cdp.py: drives the system's headless Chromium through the DevTools
protocol over --remote-debugging-pipe (fd 3: commands in, fd 4: replies out,
each message JSON ended by a NUL byte). Python's standard library only;
nothing is downloaded. Used by tests/tools/web_check.py.

    with Browser(1280, 720) as b:
        page = b.open("file:///tmp/x.html")
        page.key("j")
        page.eval("document.title")
        page.screenshot("build/x.png")
"""
import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

# What a lab key sends: key, code, Windows virtual key code.
SPECIAL_KEYS = {
    "Tab": ("Tab", 9), "Enter": ("Enter", 13), "Escape": ("Escape", 27),
    "ArrowDown": ("ArrowDown", 40), "ArrowUp": ("ArrowUp", 38), "Home": ("Home", 36),
    "End": ("End", 35), "PageDown": ("PageDown", 34), "PageUp": ("PageUp", 33),
    " ": ("Space", 32),
}


class CdpError(Exception):
    pass


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Page:
    def __init__(self, browser, session):
        self.b = browser
        self.session = session

    def send(self, method, params=None, timeout=30):
        return self.b.send(method, params, self.session, timeout)

    def eval(self, expr, timeout=30):
        r = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                           "awaitPromise": True}, timeout)
        if "exceptionDetails" in r:
            raise CdpError("page script failed: %s: %s" % (
                expr[:80], r["exceptionDetails"].get("exception", {}).get("description",
                                                                           r["exceptionDetails"])))
        return r["result"].get("value")

    def wait_for(self, expr, timeout=20, what=None):
        """Polls expr until it is truthy; the page's own state is the event."""
        deadline = time.monotonic() + timeout
        while True:
            v = self.eval(expr)
            if v:
                return v
            if time.monotonic() > deadline:
                raise CdpError("timed out waiting for %s" % (what or expr))
            self.b.pump(0.02)

    def key(self, key, shift=False):
        code, vk = SPECIAL_KEYS.get(key, (None, None))
        if code is None:
            code = ("Key" + key.upper()) if key.isalpha() else ""
            vk = ord(key.upper()) if key.isalnum() else 0
        mods = 8 if shift or (len(key) == 1 and key.isupper()) else 0
        down = {"type": "keyDown", "key": key, "code": code, "windowsVirtualKeyCode": vk,
                "nativeVirtualKeyCode": vk, "modifiers": mods}
        if len(key) == 1 or key == "Enter":
            down["text"] = "\r" if key == "Enter" else key
            down["unmodifiedText"] = down["text"]
        self.send("Input.dispatchKeyEvent", down)
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": key, "code": code,
                                             "windowsVirtualKeyCode": vk, "modifiers": mods})

    def type(self, text):
        for ch in text:
            self.key(ch)

    def screenshot(self, path):
        r = self.send("Page.captureScreenshot", {"format": "png"})
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))

    def exceptions(self):
        return [e for e in self.b.events if e.get("sessionId") == self.session and
                e.get("method") == "Runtime.exceptionThrown"]


class Browser:
    def __init__(self, width=1280, height=720):
        exe = find_chromium()
        if not exe:
            raise CdpError("chromium is not installed (make deps installs it)")
        self.width, self.height = width, height
        self.tmp = tempfile.mkdtemp(prefix="socklab-chromium-")
        to_child_r, self.wfd = os.pipe()
        self.rfd, from_child_w = os.pipe()

        def on_fds_3_and_4():
            a, b = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                "--user-data-dir=" + self.tmp, "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--disable-default-apps", "--mute-audio",
                "--hide-scrollbars", "--window-size=%d,%d" % (width, height), "about:blank"]
        self.log = open(os.path.join(self.tmp, "chromium.log"), "wb")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
                                     close_fds=False, preexec_fn=on_fds_3_and_4)
        os.close(to_child_r)
        os.close(from_child_w)
        self.next_id = 0
        self.buf = b""
        self.events = []
        self.replies = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _read_messages(self, timeout):
        r, _, _ = select.select([self.rfd], [], [], timeout)
        if not r:
            return
        chunk = os.read(self.rfd, 1 << 20)
        if not chunk:
            raise CdpError("chromium closed the DevTools pipe (exit %s): %s" % (
                self.proc.poll(), self.log_tail()))
        self.buf += chunk
        while b"\0" in self.buf:
            msg, self.buf = self.buf.split(b"\0", 1)
            m = json.loads(msg)
            if "id" in m:
                self.replies[m["id"]] = m
            else:
                self.events.append(m)

    def pump(self, timeout):
        """Reads what chromium sent within timeout (the events it reports)."""
        self._read_messages(timeout)

    def log_tail(self):
        self.log.flush()
        try:
            with open(os.path.join(self.tmp, "chromium.log"), "rb") as f:
                return f.read()[-600:].decode("utf-8", "replace")
        except OSError:
            return ""

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        mid = self.next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.wfd, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while mid not in self.replies:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CdpError("no reply to %s within %ss" % (method, timeout))
            self._read_messages(left)
        m = self.replies.pop(mid)
        if "error" in m:
            raise CdpError("%s: %s" % (method, m["error"].get("message")))
        return m.get("result", {})

    def wait_event(self, method, session, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == method and e.get("sessionId") == session:
                    return self.events.pop(i)
            left = deadline - time.monotonic()
            if left <= 0:
                raise CdpError("no %s within %ss" % (method, timeout))
            self._read_messages(left)

    def open(self, url, init_script=None):
        """A new tab at width x height showing url, loaded."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        page.send("Page.enable")
        page.send("Runtime.enable")
        page.send("Emulation.setDeviceMetricsOverride", {"width": self.width, "height": self.height,
                                                         "deviceScaleFactor": 1, "mobile": False})
        if init_script:
            page.send("Page.addScriptToEvaluateOnNewDocument", {"source": init_script})
        page.send("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired", session)
        return page

    def close(self):
        try:
            if self.proc.poll() is None:
                try:
                    self.send("Browser.close", timeout=5)
                except (CdpError, OSError):
                    pass
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        finally:
            for fd in (self.rfd, self.wfd):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self.log.close()
            shutil.rmtree(self.tmp, ignore_errors=True)
