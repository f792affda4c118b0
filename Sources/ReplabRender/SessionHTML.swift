import ReplabKernel
import ReplabModels

/// `export session FILE.html`: one self-contained page (the SVG, the CSS and a small script are
/// inline; a Content-Security-Policy forbids every request) that steps through the session's
/// commands: for each, the line typed, the steps it took, what was delivered, lost and changed
/// in them, and the state table as it stood after it. Buttons and the Left/Right arrow keys
/// step, Home/End jump; the rows of the current command are highlighted in the diagram.
///
/// The state after each command is not kept by the session (that would cost memory on every
/// command for a page that is rarely written). The caller (`Export.replayStates`) replays the
/// saved script (`save`'s text: deterministic with its seed) once in a scratch session and
/// passes the state table after each command: the cost is one rerun of the session plus one
/// table per command, never a rerun per command. When the replay does not reproduce the trace
/// (it always should), the page says so (`replayNote`) and shows only the final state.
package enum SessionHTML {
    struct Step {
        let command: String
        let steps: ClosedRange<UInt32>?
        let happened: [String]
        let state: String
    }

    static let maxLinesPerStep = 80

    package static func render(_ input: ExportDocuments.Input, states: [Int: String], replayNote: String?) -> String {
        let sim = input.sim
        let scene = TimelineScene.build(sim, anomalies: input.anomalies)
        let theme = input.options.theme ?? .light
        let title = input.options.title ?? "replab session · \(sim.model.summary)"
        let svg = SVGTimeline.render(scene, theme: theme, title: title)
        var steps: [Step] = []
        // Items are in step order and commands follow each other: one sweep, not a search per command.
        var cursor = 0
        for command in scene.commands {
            var happened: [String] = []
            if let range = command.steps {
                while cursor < scene.items.count && scene.items[cursor].step < range.lowerBound { cursor += 1 }
                var index = cursor
                while index < scene.items.count && scene.items[index].step <= range.upperBound {
                    happened.append("step \(scene.items[index].step) · \(scene.items[index].text)")
                    index += 1
                }
            }
            if happened.count > maxLinesPerStep {
                let more = happened.count - maxLinesPerStep
                happened = Array(happened.prefix(maxLinesPerStep)) + ["… and \(more) more (the diagram shows them all)"]
            }
            let state = states[command.entries.upperBound] ?? (command.entries.upperBound == sim.trace.count ? finalState(sim) : nil)
            steps.append(
                Step(
                    command: command.text, steps: command.steps, happened: happened,
                    state: state ?? "(the state after this command could not be replayed)"))
        }
        // State tables share most of their lines from one command to the next: each distinct line
        // is written once and a state is the list of its lines' numbers, so a long session's page
        // grows with what changed, not with commands × table size.
        var pool: [String] = []
        var lineNumber: [String: Int] = [:]
        func lines(of text: String) -> [JSON] {
            text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                let line = String(line)
                if let known = lineNumber[line] { return .int(known) }
                lineNumber[line] = pool.count
                pool.append(line)
                return .int(pool.count - 1)
            }
        }
        let stepsJSON = steps.map { step -> JSON in
            .object([
                ("command", .string(step.command)), ("first", step.steps.map { .int(Int($0.lowerBound)) } ?? .null),
                ("last", step.steps.map { .int(Int($0.upperBound)) } ?? .null), ("happened", .array(step.happened.map { .string($0) })),
                ("state", .array(lines(of: step.state))),
            ])
        }
        let data = JSON.object([("lines", .array(pool.map { .string($0) })), ("steps", .array(stepsJSON))])
        let dark = theme == .dark
        var html: [String] = []
        html.append("<!DOCTYPE html>")
        html.append("<html lang=\"en\">")
        html.append("<head>")
        html.append("<meta charset=\"utf-8\">")
        html.append(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        )
        html.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        html.append("<title>\(SVGTimeline.escape(title))</title>")
        html.append("<style>")
        html.append(
            """
            :root { --bg: \(dark ? "#111827" : "#ffffff"); --fg: \(dark ? "#e5e7eb" : "#111827"); --dim: \(dark ? "#9ca3af" : "#4b5563");
              --panel: \(dark ? "#1f2937" : "#f3f4f6"); --accent: \(dark ? "#fbbf24" : "#b45309"); --border: \(dark ? "#374151" : "#d1d5db"); }
            * { box-sizing: border-box; }
            body { margin: 0; background: var(--bg); color: var(--fg); font: 16px/1.4 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
            header { padding: 12px 20px; border-bottom: 1px solid var(--border); }
            header h1 { margin: 0; font-size: 22px; }
            header p { margin: 4px 0 0; color: var(--dim); font-size: 14px; }
            main { display: flex; align-items: flex-start; gap: 0; }
            #diagram { flex: 1 1 auto; overflow: auto; height: calc(100vh - 80px); border-right: 1px solid var(--border); }
            #diagram svg { display: block; max-width: 100%; height: auto; }
            body.actual #diagram svg { max-width: none; }
            #panel { flex: 0 0 540px; height: calc(100vh - 80px); overflow: auto; padding: 12px 18px; background: var(--panel); }
            nav { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
            button { font: inherit; font-size: 15px; padding: 6px 12px; border-radius: 6px; border: 1px solid var(--border);
              background: var(--bg); color: var(--fg); cursor: pointer; }
            button:disabled { opacity: 0.4; cursor: default; }
            #where { font-weight: bold; margin-left: 6px; }
            .keys { color: var(--dim); font-size: 13px; margin: 6px 0 0; }
            h2 { font-size: 15px; margin: 16px 0 6px; color: var(--dim); text-transform: uppercase; letter-spacing: 0.04em; }
            #command { font: bold 18px/1.3 "DejaVu Sans Mono", "Liberation Mono", monospace; color: var(--accent); margin: 0;
              white-space: pre-wrap; word-break: break-word; }
            #steps { color: var(--dim); margin: 4px 0 0; font-size: 14px; }
            #happened { margin: 0; padding-left: 18px; font-size: 14px; }
            #happened li { margin: 2px 0; }
            #state { font: 11px/1.35 "DejaVu Sans Mono", "Liberation Mono", monospace; margin: 0; white-space: pre; overflow-x: auto;
              background: var(--bg); padding: 8px; border: 1px solid var(--border); border-radius: 6px; }
            """)
        html.append("</style>")
        html.append("</head>")
        html.append("<body>")
        html.append("<header>")
        html.append("<h1>\(SVGTimeline.escape(title))</h1>")
        var facts = "\(sim.model.summary) · seed \(input.seed) · time t\(sim.now), step \(sim.step) · \(plural(steps.count, "command"))"
        if let replayNote { facts += " · \(replayNote)" }
        html.append("<p>\(SVGTimeline.escape(facts))</p>")
        html.append("</header>")
        html.append("<main>")
        html.append("<section id=\"diagram\" aria-label=\"space-time diagram\">")
        html.append(svg.hasSuffix("\n") ? String(svg.dropLast()) : svg)
        html.append("</section>")
        html.append("<aside id=\"panel\">")
        html.append("<nav>")
        html.append("<button id=\"first\" title=\"Home\">« first</button>")
        html.append("<button id=\"prev\" title=\"Left arrow\">‹ back</button>")
        html.append("<button id=\"next\" title=\"Right arrow\">next ›</button>")
        html.append("<button id=\"last\" title=\"End\">last »</button>")
        html.append("<button id=\"zoom\" title=\"Z\">actual size</button>")
        html.append("<span id=\"where\"></span>")
        html.append("</nav>")
        html.append(
            "<p class=\"keys\">Keys: ← → step through the commands, Home and End jump to the first and the last, Z switches the diagram between fitting the width and its actual size.</p>"
        )
        html.append("<h2>Command typed</h2>")
        html.append("<pre id=\"command\"></pre>")
        html.append("<p id=\"steps\"></p>")
        html.append("<h2>What happened</h2>")
        html.append("<ul id=\"happened\"></ul>")
        html.append("<h2>State after it</h2>")
        html.append("<pre id=\"state\"></pre>")
        html.append("</aside>")
        html.append("</main>")
        html.append("<script type=\"application/json\" id=\"replab-steps\">\(scriptSafe(data.text))</script>")
        html.append("<script>")
        html.append(script)
        html.append("</script>")
        html.append("</body>")
        html.append("</html>")
        return html.joined(separator: "\n") + "\n"
    }

    static let script = """
        (function () {
          "use strict";
          var data = JSON.parse(document.getElementById("replab-steps").textContent);
          var steps = data.steps;
          var stateText = function (s) { return s.state.map(function (n) { return data.lines[n]; }).join("\\n"); };
          var rows = Array.prototype.slice.call(document.querySelectorAll("#diagram .row"));
          var el = function (id) { return document.getElementById(id); };
          var index = 0;
          function show(n) {
            if (steps.length === 0) {
              el("where").textContent = "no commands yet";
              ["first", "prev", "next", "last"].forEach(function (id) { el(id).disabled = true; });
              return;
            }
            index = Math.max(0, Math.min(steps.length - 1, n));
            var s = steps[index];
            el("where").textContent = "command " + (index + 1) + " of " + steps.length;
            el("command").textContent = s.command;
            el("steps").textContent = s.first === null ? "it took no step"
              : (s.first === s.last ? "step " + s.first : "steps " + s.first + " to " + s.last);
            var list = el("happened");
            while (list.firstChild) { list.removeChild(list.firstChild); }
            if (s.happened.length === 0) {
              var none = document.createElement("li");
              none.textContent = "nothing was delivered, lost or changed";
              list.appendChild(none);
            }
            s.happened.forEach(function (line) {
              var item = document.createElement("li");
              item.textContent = line;
              list.appendChild(item);
            });
            el("state").textContent = stateText(s);
            var firstRow = null;
            rows.forEach(function (row) {
              var step = Number(row.getAttribute("data-step"));
              var on = s.first !== null && step >= s.first && step <= s.last;
              row.classList.toggle("current", on);
              if (on && firstRow === null) { firstRow = row; }
            });
            if (firstRow !== null) {
              // The command's first row a third of the way down, with what led to it above.
              var pane = el("diagram");
              var offset = firstRow.getBoundingClientRect().top - pane.getBoundingClientRect().top;
              pane.scrollTop = Math.max(0, pane.scrollTop + offset - pane.clientHeight / 3);
            }
            el("first").disabled = el("prev").disabled = index === 0;
            el("next").disabled = el("last").disabled = index === steps.length - 1;
            document.body.setAttribute("data-index", String(index));
          }
          el("first").addEventListener("click", function () { show(0); });
          el("prev").addEventListener("click", function () { show(index - 1); });
          el("next").addEventListener("click", function () { show(index + 1); });
          el("last").addEventListener("click", function () { show(steps.length - 1); });
          function zoom() {
            var actual = document.body.classList.toggle("actual");
            el("zoom").textContent = actual ? "fit width" : "actual size";
            show(index);
          }
          el("zoom").addEventListener("click", zoom);
          document.addEventListener("keydown", function (event) {
            if (event.key === "z" || event.key === "Z") {
              event.preventDefault();
              zoom();
              return;
            }
            var moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: steps.length - 1 };
            if (Object.prototype.hasOwnProperty.call(moves, event.key)) {
              event.preventDefault();
              show(moves[event.key]);
            }
          });
          show(0);
        })();
        """

    /// JSON inside `<script>`: `<` is written `\u003c` so no `</script>` can end it early.
    static func scriptSafe(_ json: String) -> String {
        var out = ""
        for character in json { if character == "<" { out += "\\u003c" } else { out.append(character) } }
        return out
    }

    static func finalState(_ sim: Simulation) -> String { Views.state(sim, key: nil, style: stateStyle) }

    package static let stateStyle = ViewStyle(color: false, unicode: true, width: 72)
}
