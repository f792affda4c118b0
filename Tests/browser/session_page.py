#!/usr/bin/env python3
"""The exported session page and SVG, checked as a person would use them.

Usage: session_page.py REPLAB_BINARY [SCREENSHOT_DIR]

1. Plays a short session with replab (a lost write under last-write-wins, a drop, a crash and a
   partition) and exports `session.html` and `timeline.svg` (light and dark).
2. Parses every SVG (those exported and the golden ones of the Swift tests) as XML and checks that each delayed message's arrow slants down (y2 > y1).
3. Opens the page in real headless Chromium (Debian's chromium-headless-shell, driven by
   Playwright with executable_path): it must make no network request and raise no page or
   script error; Right/Left/Home/End must step through the commands, change the command and the
   state shown, and highlight the current command's rows in the diagram.
4. Saves screenshots of the page at several steps and of the SVGs (PNG) in SCREENSHOT_DIR (a
   temporary folder when not given), to be looked at.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

BROWSERS = ["/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium-headless-shell", "chromium-headless-shell",
            "/usr/lib/chromium/chromium", "chromium", "chromium-browser", "google-chrome-stable", "google-chrome"]

SCRIPT = """cluster leaderless nodes=3 n=3 w=2 r=2 resolve=lww
put room-1 alice
put room-1 bob as c2
step 3
drop m5
run
crash C
put room-2 carol
run
recover C
partition A c1 | B C
put room-1 dave
step 4
heal
run
get room-1 as c3
run
"""

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL: " + message)


def find_browser():
    override = os.environ.get("REPLAB_BROWSER") or os.environ.get("MERMAID_CHECK_BROWSER")
    candidates = ([override] if override else []) + BROWSERS
    for candidate in candidates:
        path = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def check_svg(path):
    tree = ET.parse(path)  # raises on malformed XML
    root = tree.getroot()
    check(root.tag == "{http://www.w3.org/2000/svg}svg", "%s: the root element is not <svg>" % path)
    slanted = 0
    for line in root.iter("{http://www.w3.org/2000/svg}line"):
        cls = line.get("class", "")
        if cls in ("msg", "copy", "lost"):
            y1, y2 = int(line.get("y1")), int(line.get("y2"))
            check(y2 > y1, "%s: message %s is not drawn downwards (y1=%d, y2=%d)" % (path, line.get("data-id"), y1, y2))
            slanted += 1
    check(slanted > 0, "%s: no message arrows" % path)
    return slanted


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    replab = sys.argv[1]
    shots = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="replab-browser-")
    os.makedirs(shots, exist_ok=True)
    work = tempfile.mkdtemp(prefix="replab-page-")
    page_path = os.path.join(work, "session.html")
    svg_light = os.path.join(work, "timeline.svg")
    svg_dark = os.path.join(work, "timeline-dark.svg")
    script = SCRIPT + "export session %s\nexport timeline %s title=\"A lost write\"\nexport timeline %s theme=dark\n" % (
        page_path, svg_light, svg_dark)
    run = subprocess.run([replab, "run", "-"], input=script, text=True, capture_output=True)
    check(run.returncode == 0, "replab run failed: %s %s" % (run.stdout[-2000:], run.stderr[-2000:]))
    golden = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ReplabCommandsTests", "Golden")
    goldens = sorted(os.path.join(golden, name) for name in os.listdir(golden) if name.endswith(".svg"))
    check(len(goldens) >= 3, "fewer than three golden SVG files in %s" % golden)
    for path in goldens + [svg_light, svg_dark]:
        if os.path.exists(path):
            print("svg ok: %s (%d message arrows slant down)" % (os.path.basename(path), check_svg(path)))
        else:
            check(False, "%s was not written" % path)
    if failures:
        return 1

    browser = find_browser()
    if browser is None:
        print("FAIL: no Chromium found (make browser-deps installs chromium-headless-shell)")
        return 1
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=browser, args=["--no-sandbox"])
        page = chromium.new_page(viewport={"width": 1600, "height": 1000})
        requests, errors = [], []
        page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file:") else None)
        page.on("pageerror", lambda e: errors.append("page error: %s" % e))
        page.on("console", lambda m: errors.append("console %s: %s" % (m.type, m.text)) if m.type in ("error", "warning") else None)
        page.goto("file://" + page_path)
        page.wait_for_load_state("load")
        check(errors == [], "the page raised errors as it loaded: %s" % errors[:5])

        def where():
            return page.inner_text("#where")

        def state():
            return page.inner_text("#state")

        def command():
            return page.inner_text("#command")

        def highlighted():
            return page.eval_on_selector_all("#diagram .row.current", "rows => rows.map(r => r.getAttribute('data-step'))")

        total = page.evaluate("JSON.parse(document.getElementById('replab-steps').textContent).steps.length")
        commands = [line for line in SCRIPT.splitlines() if line and not line.startswith("cluster")]
        check(total == len(commands), "the page has %d commands, the script %d" % (total, len(commands)))
        check(where() == "command 1 of %d" % total, "the page starts at %r" % where())
        check(command() == commands[0], "command 1 shows %r, not %r" % (command(), commands[0]))
        check(len(highlighted()) > 0, "command 1 highlights no row of the diagram")
        page.screenshot(path=os.path.join(shots, "page-1-first.png"))
        first_state = state()

        page.keyboard.press("ArrowRight")
        check(where() == "command 2 of %d" % total, "ArrowRight went to %r" % where())
        check(command() == commands[1], "command 2 shows %r" % command())
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        check(command() == commands[3], "command 4 shows %r" % command())
        check(state() != first_state, "the state did not change from command 1 to command 4")
        check(any(int(s) > 0 for s in highlighted()), "command 4 highlights no row")
        page.screenshot(path=os.path.join(shots, "page-2-drop.png"))
        page.keyboard.press("ArrowLeft")
        check(where() == "command 3 of %d" % total, "ArrowLeft went to %r" % where())

        page.keyboard.press("End")
        check(where() == "command %d of %d" % (total, total), "End went to %r" % where())
        check(command() == commands[-1], "the last command shows %r" % command())
        check("room-1" in state(), "the final state does not show room-1: %r" % state()[:200])
        check(page.is_disabled("#next"), "next is not disabled at the end")
        page.screenshot(path=os.path.join(shots, "page-3-last.png"))
        page.keyboard.press("Home")
        check(where() == "command 1 of %d" % total, "Home went to %r" % where())
        check(state() == first_state, "Home does not show command 1's state again")
        page.click("#next")
        check(where() == "command 2 of %d" % total, "the next button went to %r" % where())
        fitted = page.eval_on_selector("#diagram svg", "svg => svg.getBoundingClientRect().width")
        page.keyboard.press("z")
        actual = page.eval_on_selector("#diagram svg", "svg => svg.getBoundingClientRect().width")
        natural = int(page.eval_on_selector("#diagram svg", "svg => svg.getAttribute('width')"))
        check(actual == natural and fitted < natural, "Z does not switch between fitting (%s) and actual size (%s of %s)" % (fitted, actual, natural))
        page.screenshot(path=os.path.join(shots, "page-4-actual-size.png"))
        page.click("#zoom")
        check(page.inner_text("#zoom") == "actual size", "the zoom button does not switch back")

        for svg, name in ((svg_light, "svg-light.png"), (svg_dark, "svg-dark.png")):
            root = ET.parse(svg).getroot()
            page.set_viewport_size({"width": int(root.get("width")), "height": min(int(root.get("height")), 8000)})
            page.goto("file://" + svg)
            page.screenshot(path=os.path.join(shots, name))
        check(requests == [], "the page made network requests: %s" % requests[:5])
        check(errors == [], "the page raised errors: %s" % errors[:5])
        chromium.close()
    print("screenshots: %s" % shots)
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("browser test: the session page steps with the keys and buttons, makes no request and raises no error")
    return 0


if __name__ == "__main__":
    sys.exit(main())
