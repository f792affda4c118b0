import ReplabExplore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `replab-bench w2 N W R`: W2 (exhaustive interleavings, `WORKLOADS.md`) explored by replab's
/// explorer. Prints the yardstick's line first (compare.sh checks it against the C one), then
/// the wall time, the rate and the visited set's size.
func runW2Bench(_ arguments: ArraySlice<String>) {
    var sizes = [5, 3, 3]
    if !arguments.isEmpty {
        guard arguments.count == 3 else { fail() }
        sizes = arguments.map { Int($0) ?? 0 }
    }
    guard let model = W2Model(n: sizes[0], w: sizes[1], r: sizes[2]) else {
        writeStandardError("replab-bench w2: need 3 <= n <= 6 and 1 <= w, r <= n\n")
        exit(2)
    }
    var line = ""
    var exploration: Exploration<W2Model.Observation>? = nil
    let wall = wallSeconds { (line, exploration) = model.run() }
    print(line)
    let transitions = Double(exploration?.transitions ?? 0)
    let rate = wall > 0 ? transitions / wall : 0
    let megabytes = Double(exploration?.visitedBytes ?? 0) / 1_048_576
    print(
        "wall_seconds=\(fixed(wall, digits: 3)) transitions_per_second=\(fixed(rate, digits: 0))"
            + " visited_set_mb=\(fixed(megabytes, digits: 1))")
}
