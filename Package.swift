// swift-tools-version: 6.2
// replab: a teaching REPL and visualizer for data replication.
import PackageDescription

// Our own targets build with every warning as an error; dependencies are left alone.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "replab",
    products: [
        .executable(name: "replab", targets: ["replab"]),
        .executable(name: "replab-bench", targets: ["replab-bench"]),
        .executable(name: "replab-fuzz", targets: ["replab-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        // The deterministic core: the `ReplicationModel` protocol (handlers that answer a delivery,
        // a timer, a tick, a crash or a recovery with effects) and the `Driver` that runs any such
        // model: virtual clock, seeded scheduler, the in-flight set with its delivery gate, faults,
        // timers, and the trace (messages and notes kept as data; operation results carry words).
        // No I/O, no wall-clock time, no system randomness.
        .target(name: "ReplabKernel", swiftSettings: strict),
        // The REPL's replication models on the kernel, one type per folder behind one protocol
        // (Leaderless/, SingleLeader/, MultiLeader/, with LeaderBased/ for what the leader models
        // share), each with its own state and message type; their handlers change that state and
        // ask for effects (the network, timers and trace are the driver's). Shared/: the tables,
        // clients and history every model keeps, `Cluster` (the registry; `Simulation` is
        // Driver<Cluster>, Hashable whatever the message ids and traces), notes as data, versions
        // and version vectors (history and logs are persistent arrays copies share), the checker.
        .target(
            name: "ReplabModels",
            dependencies: ["ReplabKernel", .product(name: "HashTreeCollections", package: "swift-collections")],
            swiftSettings: strict),
        // The explorer: one breadth-first, explicit-state search (visited set of 128-bit fingerprints,
        // a bound, shortest schedules) over any system behind its `ExplorableSystem` protocol, and
        // W2, the benchmark's small quorum model, behind the same protocol. Knows no replication model.
        .target(name: "ReplabExplore", swiftSettings: strict),
        // The PBS (probabilistically bounded staleness) Monte Carlo lab; pure computation.
        .target(name: "ReplabPBS", swiftSettings: strict),
        // The renderers: the text views (state, timeline, topology, messages, history), each
        // command's report, `explain`, Mermaid, SVG, ShiViz, the trace as JSON, the session's
        // Markdown, text and HTML pages, and the styles they draw with. Pure functions of a
        // `Simulation` value (its trace and state) and options: no session, parser, files or
        // terminal. What needs a session stays in ReplabCommands (choosing an export by the file's
        // extension, replaying the script for the HTML page's state tables, writing the file).
        .target(name: "ReplabRender", dependencies: ["ReplabKernel", "ReplabModels"], swiftSettings: strict),
        // The command language (parser, session executor with undo, the export command, explore and
        // rule commands), independent of any terminal; its views of the cluster are drawn by ReplabRender.
        .target(
            name: "ReplabCommands",
            dependencies: ["ReplabKernel", "ReplabModels", "ReplabRender", "ReplabPBS", "ReplabExplore"],
            swiftSettings: strict),
        // Guided lessons: the Markdown lesson format, the step-by-step runner, claims, verify, export.
        // Drives replab only through the session's commands and their results; no terminal.
        .target(name: "ReplabLessons", dependencies: ["ReplabCommands", "ReplabRender"], swiftSettings: strict),
        // A tiny C shim over GNU readline (Swift 6 cannot assign readline's C globals itself).
        .target(name: "CReadline", linkerSettings: [.linkedLibrary("readline")]),
        // The interactive terminal: line editing, history, completion, Ctrl-C.
        .target(name: "ReplabTerminal", dependencies: ["CReadline"], swiftSettings: strict),
        // The thin executable.
        .executableTarget(
            name: "replab",
            dependencies: [
                "ReplabCommands", "ReplabRender", "ReplabLessons", "ReplabTerminal", "ReplabExplore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        // Benchmarks (release build): W1 as a ReplicationModel through the kernel's Driver, W2 on the
        // explorer, PBS sampling,
        // the timeline view, and a long session through the session executor.
        .executableTarget(
            name: "replab-bench",
            dependencies: ["ReplabKernel", "ReplabPBS", "ReplabModels", "ReplabRender", "ReplabCommands", "ReplabExplore"],
            swiftSettings: strict),
        // The grammar-based fuzzer of the command language (make test runs it a minute; make fuzz longer).
        .executableTarget(
            name: "replab-fuzz", dependencies: ["ReplabCommands", "ReplabRender", "ReplabKernel"], swiftSettings: strict),
        .testTarget(name: "ReplabKernelTests", dependencies: ["ReplabKernel"], swiftSettings: strict),
        .testTarget(name: "ReplabModelsTests", dependencies: ["ReplabModels"], swiftSettings: strict),
        .testTarget(name: "ReplabExploreTests", dependencies: ["ReplabExplore"], swiftSettings: strict),
        .testTarget(name: "ReplabPBSTests", dependencies: ["ReplabPBS"], swiftSettings: strict),
        .testTarget(name: "ReplabTerminalTests", dependencies: ["ReplabTerminal"], swiftSettings: strict),
        .testTarget(
            name: "ReplabCommandsTests",
            dependencies: ["ReplabCommands", "ReplabRender", "ReplabExplore", "ReplabModels"],
            exclude: ["Golden"],
            swiftSettings: strict),
        .testTarget(
            name: "ReplabLessonsTests",
            dependencies: ["ReplabLessons", "ReplabCommands", "ReplabRender", "ReplabModels"],
            exclude: ["Fixtures"],
            swiftSettings: strict),
    ]
)
