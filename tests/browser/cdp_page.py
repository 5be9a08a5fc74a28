#!/usr/bin/env python3
"""Opens a local HTML page in headless Chromium and reports what a reader sees.

Drives Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe:
requests on file descriptor 3, answers and events on 4, each a JSON text ended
by a NUL byte), so that nothing but the Python standard library is needed.

  cdp_page.py CHROMIUM PAGE.html SCREENSHOT.png [TABLE_ID:COLUMN]...

Prints one JSON document on stdout:
  {"console": [messages, exceptions and log entries of the page],
   "tables": {id: [[cell text, ...], ...]},       # every <table id=...>, body rows
   "headers": {id: [header text, ...]},
   "clicks": [{"click": "ID:COLUMN", "tables": {...}}, ...]}
Each click is a real mouse press and release at the centre of that header
cell (Input.dispatchMouseEvent), after scrolling it into view; the tables are
read again after it. Exit 0 when the page could be driven, 2 otherwise.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

TIMEOUT = 60  # seconds for the whole run: a page this size loads in well under one


class Browser:
    def __init__(self, chromium, profile):
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()
        # The child reads requests on fd 3 and writes on fd 4.
        def fds():
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)
        self.proc = subprocess.Popen(
            [chromium, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--disable-background-networking", "--disable-sync", "--mute-audio",
             "--user-data-dir=" + profile, "--remote-debugging-pipe", "--window-size=1400,1000", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=fds, close_fds=True, pass_fds=(3, 4))
        os.close(to_child_r)
        os.close(from_child_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.deadline = time.monotonic() + TIMEOUT

    def _read_message(self):
        while b"\0" not in self.buffer:
            if time.monotonic() > self.deadline:
                raise RuntimeError("Chromium did not answer in time")
            chunk = os.read(self.from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        text, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(text)

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        while True:
            m = self._read_message()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_for(self, method, session):
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == method and e.get("sessionId") == session:
                    del self.events[i]
                    return e
            self.events.append(self._read_message())

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


READ_TABLES = """(() => {
  const tables = {}, headers = {};
  for (const t of document.querySelectorAll('table[id]')) {
    headers[t.id] = t.tHead ? Array.from(t.tHead.rows[0].cells, c => c.textContent.trim()) : [];
    tables[t.id] = Array.from(t.tBodies[0].rows, r => Array.from(r.cells, c => c.textContent.trim()));
  }
  return JSON.stringify({tables, headers});
})()"""


def evaluate(browser, session, expression):
    r = browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
    if "exceptionDetails" in r:
        raise RuntimeError(f"evaluating {expression[:60]}: {r['exceptionDetails']}")
    return r["result"].get("value")


def console_messages(events):
    out = []
    for e in events:
        p = e.get("params", {})
        if e.get("method") == "Runtime.consoleAPICalled":
            out.append(f"console.{p.get('type')}: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
        elif e.get("method") == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            out.append("exception: " + d.get("exception", {}).get("description", d.get("text", "")))
        elif e.get("method") == "Log.entryAdded":
            entry = p.get("entry", {})
            out.append(f"log {entry.get('level')} ({entry.get('source')}): {entry.get('text')}")
    return out


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    chromium, page, screenshot, clicks = argv[1], os.path.abspath(argv[2]), argv[3], argv[4:]
    with tempfile.TemporaryDirectory(prefix="netreach-chromium-") as profile:
        browser = Browser(chromium, profile)
        try:
            target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log"):
                browser.send(domain + ".enable", {}, session)
            browser.send("Page.navigate", {"url": "file://" + page}, session)
            browser.wait_for("Page.loadEventFired", session)
            report = json.loads(evaluate(browser, session, READ_TABLES))
            report["clicks"] = []
            for spec in clicks:
                table, column = spec.rsplit(":", 1)
                box = evaluate(browser, session, f"""(() => {{
                  const th = document.getElementById({json.dumps(table)}).tHead.rows[0].cells[{int(column)}];
                  th.scrollIntoView({{block: 'center'}});
                  const r = th.getBoundingClientRect();
                  return JSON.stringify({{x: r.left + r.width / 2, y: r.top + r.height / 2}});
                }})()""")
                point = json.loads(box)
                for kind in ("mousePressed", "mouseReleased"):
                    browser.send("Input.dispatchMouseEvent",
                                 {"type": kind, "x": point["x"], "y": point["y"], "button": "left", "clickCount": 1}, session)
                report["clicks"].append({"click": spec, "tables": json.loads(evaluate(browser, session, READ_TABLES))["tables"]})
            evaluate(browser, session, "window.scrollTo(0, 0), 0")
            size = json.loads(evaluate(browser, session,
                                       "JSON.stringify({w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight})"))
            shot = browser.send("Page.captureScreenshot",
                                {"format": "png", "captureBeyondViewport": True,
                                 "clip": {"x": 0, "y": 0, "width": size["w"], "height": min(size["h"], 16000), "scale": 1}}, session)
            import base64
            with open(screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
            report["console"] = console_messages(browser.events)
        except Exception as e:  # the page could not be driven: say why
            print(f"cdp_page: {e}", file=sys.stderr)
            return 2
        finally:
            browser.close()
    json.dump(report, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
