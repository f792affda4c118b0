#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// N replicas; a read waits for R responses, a write for W acknowledgements.
struct PBSQuorum: Sendable, Equatable {
    let n: Int
    let r: Int
    let w: Int

    /// R + W > N: every read quorum meets every write quorum, so no read can be stale.
    var isStrict: Bool { r + w > n }
}

/// Everything one Monte Carlo run needs. `times` must be ascending and ≥ 0.
struct PBSRunSpec: Sendable, Equatable {
    var model: PBSModel
    var quorum: PBSQuorum
    var trials: Int
    var seed: UInt64
    var times: [Double]
}

/// What a run measured. Probabilities are derived from exact counts; percentiles and the
/// t-visibility from histograms built from the same trials.
struct PBSOutcome: Sendable {
    let spec: PBSRunSpec
    /// `consistent[j]`: how many trials read the latest write at `spec.times[j]` after commit.
    let consistent: [Int]
    /// Per trial, the staleness window τ: the read is consistent exactly when t ≥ τ (τ ≤ 0 means
    /// consistent at once). Its distribution is the curve P(consistent) against t.
    let window: PBSHistogram
    let readLatency: PBSHistogram
    let writeLatency: PBSHistogram

    var trials: Int { spec.trials }

    /// k-staleness: the probability that a read returns one of the last k versions, treating the
    /// k versions as independent chances, 1 − (1 − p)^k (the paper's ⟨k, t⟩-staleness).
    static func kStale(count: Int, trials: Int, k: Int) -> Double {
        if count == trials { return 1 }
        let p = Double(count) / Double(trials)
        if k == 1 { return p }
        return 1 - power(1 - p, k)
    }

    static func power(_ x: Double, _ k: Int) -> Double {
        var result = 1.0
        for _ in 0..<k { result *= x }
        return result
    }

    /// The smallest number of consistent trials whose k-staleness probability reaches `target`.
    static func neededCount(target: Double, trials: Int, k: Int) -> Int {
        // Start near the answer and walk to the first count whose probability, computed as it
        // is displayed, reaches the target, so the table and the t-visibility always agree.
        let estimate = Double(trials) * (1 - pow(1 - target, 1 / Double(k)))
        var c = min(max(Int(estimate), 0), trials)
        while c > 0 && kStale(count: c - 1, trials: trials, k: k) >= target { c -= 1 }
        while c < trials && kStale(count: c, trials: trials, k: k) < target { c += 1 }
        return c
    }

    /// The smallest t (ms) at which P(consistent) reaches `target` (99.9% in the paper): read from
    /// the staleness-window histogram of the same trials, as the upper edge of the bucket where
    /// the cumulative count reaches the needed number, so P(consistent at that t) ≥ target is
    /// guaranteed and the exact crossing is at most 0.1% lower. 0 when already reached at t = 0.
    func tVisibility(target: Double = 0.999, k: Int) -> Double {
        if spec.quorum.isStrict { return 0 }
        let needed = Self.neededCount(target: target, trials: trials, k: k)
        var t = window.value(reaching: needed)
        // A listed time that already reaches the target is an exact, tighter answer.
        for (j, listed) in spec.times.enumerated() where listed < t && consistent[j] >= needed {
            t = listed
        }
        return t
    }
}

enum PBSSimulator {
    /// Runs `spec.trials` trials of the WARS model. Per trial, per replica i (in this order, as
    /// pbs.c): W[i], A[i], R[i], S[i]. The write commits at w_t, the W-th smallest W[i]+A[i];
    /// the read starts at w_t + t and keeps the first R responses by R[i]+S[i] (ties: lower
    /// replica first); it is consistent when one of them has w_t + R[i] + t ≥ W[i].
    static func run(_ spec: PBSRunSpec) -> PBSOutcome {
        let n = spec.quorum.n
        let r = spec.quorum.r
        let w = spec.quorum.w
        let strict = spec.quorum.isStrict
        let model = spec.model
        let (latW, latA, latR, latS) = (model.w, model.a, model.r, model.s)
        let remote = model.remoteDelayMs
        let hasRemote = remote > 0
        let timeCount = spec.times.count

        // All scratch space is allocated once, outside the trial loop.
        let writeDelay = UnsafeMutablePointer<Double>.allocate(capacity: n)  // W[i]
        let readDelay = UnsafeMutablePointer<Double>.allocate(capacity: n)  // R[i]
        let ack = UnsafeMutablePointer<Double>.allocate(capacity: n)  // W[i] + A[i]
        let response = UnsafeMutablePointer<Double>.allocate(capacity: n)  // R[i] + S[i]
        let sorted = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let order = UnsafeMutablePointer<Int>.allocate(capacity: n)
        let times = UnsafeMutablePointer<Double>.allocate(capacity: max(timeCount, 1))
        // firstConsistent[j]: trials first consistent at times[j] (j == timeCount: none listed).
        let firstConsistent = UnsafeMutablePointer<Int>.allocate(capacity: timeCount + 1)
        let buckets = PBSHistogram.bucketCount
        let windowCounts = UnsafeMutablePointer<UInt32>.allocate(capacity: buckets)
        let readCounts = UnsafeMutablePointer<UInt32>.allocate(capacity: buckets)
        let writeCounts = UnsafeMutablePointer<UInt32>.allocate(capacity: buckets)
        defer {
            for p in [writeDelay, readDelay, ack, response, sorted, times] { p.deallocate() }
            order.deallocate()
            firstConsistent.deallocate()
            for p in [windowCounts, readCounts, writeCounts] { p.deallocate() }
        }
        for j in 0..<timeCount { times[j] = spec.times[j] }
        firstConsistent.initialize(repeating: 0, count: timeCount + 1)
        windowCounts.initialize(repeating: 0, count: buckets)
        readCounts.initialize(repeating: 0, count: buckets)
        writeCounts.initialize(repeating: 0, count: buckets)

        var rng = PBSRandom(seed: spec.seed)
        var trial = 0
        while trial < spec.trials {
            trial += 1
            var localWrite = -1
            var localRead = -1
            if hasRemote {
                localWrite = rng.below(n)
                localRead = rng.below(n)
            }
            var i = 0
            while i < n {
                var wi = latW.draw(&rng)
                var ai = latA.draw(&rng)
                var ri = latR.draw(&rng)
                var si = latS.draw(&rng)
                if hasRemote {
                    if i != localWrite { wi += remote; ai += remote }
                    if i != localRead { ri += remote; si += remote }
                }
                writeDelay[i] = wi
                readDelay[i] = ri
                ack[i] = wi + ai
                response[i] = ri + si
                i += 1
            }

            // w_t: the W-th smallest acknowledgement time.
            let commit: Double
            if w == 1 {
                var best = ack[0]
                var j = 1
                while j < n { if ack[j] < best { best = ack[j] }; j += 1 }
                commit = best
            } else {
                commit = kthSmallest(ack, count: n, k: w, scratch: sorted)
            }

            // The first R responders by R[i] + S[i], ties to the lower replica (a stable sort).
            let readLatency: Double
            if r == 1 {
                var best = 0
                var j = 1
                while j < n { if response[j] < response[best] { best = j }; j += 1 }
                order[0] = best
                readLatency = response[best]
            } else {
                var j = 0
                while j < n { order[j] = j; j += 1 }
                j = 1
                while j < n {
                    let v = order[j]
                    let key = response[v]
                    var m = j
                    while m > 0 && response[order[m - 1]] > key { order[m] = order[m - 1]; m -= 1 }
                    order[m] = v
                    j += 1
                }
                readLatency = response[order[r - 1]]
            }

            if !strict {
                // τ = min over the R responders of W[i] − w_t − R[i]: consistent iff t ≥ τ.
                var window = Double.infinity
                var q = 0
                while q < r {
                    let replica = order[q]
                    let candidate = writeDelay[replica] - commit - readDelay[replica]
                    if candidate < window { window = candidate }
                    q += 1
                }
                var j = 0
                while j < timeCount && times[j] < window { j += 1 }
                firstConsistent[j] += 1
                windowCounts[PBSHistogram.bucket(window)] &+= 1
            }
            readCounts[PBSHistogram.bucket(readLatency)] &+= 1
            writeCounts[PBSHistogram.bucket(commit)] &+= 1
        }

        var consistent = [Int](repeating: spec.trials, count: timeCount)
        if strict {
            // Structural, not numerical: with R + W > N no comparison is made at all.
            windowCounts[0] = UInt32(truncatingIfNeeded: spec.trials)
        } else {
            var sum = 0
            for j in 0..<timeCount {
                sum += firstConsistent[j]
                consistent[j] = sum
            }
        }
        return PBSOutcome(
            spec: spec,
            consistent: consistent,
            window: PBSHistogram(counts: Array(UnsafeBufferPointer(start: windowCounts, count: buckets))),
            readLatency: PBSHistogram(counts: Array(UnsafeBufferPointer(start: readCounts, count: buckets))),
            writeLatency: PBSHistogram(counts: Array(UnsafeBufferPointer(start: writeCounts, count: buckets))))
    }

    /// The k-th smallest of `values[0..<count]` (k ≥ 1), by insertion sort into `scratch`.
    @inline(__always)
    static func kthSmallest(
        _ values: UnsafeMutablePointer<Double>, count: Int, k: Int, scratch: UnsafeMutablePointer<Double>
    ) -> Double {
        var j = 0
        while j < count {
            let v = values[j]
            var m = j
            while m > 0 && scratch[m - 1] > v { scratch[m] = scratch[m - 1]; m -= 1 }
            scratch[m] = v
            j += 1
        }
        return scratch[k - 1]
    }
}
