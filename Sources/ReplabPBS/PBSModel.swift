#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One one-way message latency of the WARS model, in milliseconds.
///
/// The production fits of Bailis et al. (VLDB 2012, Table 3) are mixtures of a Pareto
/// distribution, P(X > x) = (xₘ/x)^α for x ≥ xₘ, and an exponential distribution with rate λ.
/// `zero` is an exact 0 (no random draw at all): it makes the closed forms of the paper exact.
struct PBSLatency: Sendable, Equatable {
    enum Kind: UInt8, Sendable { case mixture, exponential, zero }

    let kind: Kind
    /// The probability of drawing from the Pareto part (mixtures only).
    let paretoWeight: Double
    let xm: Double
    let alpha: Double
    /// The exponential rate λ, per ms (the mean is 1/λ ms).
    let lambda: Double

    static func mixture(pareto weight: Double, xm: Double, alpha: Double, lambda: Double) -> PBSLatency {
        PBSLatency(kind: .mixture, paretoWeight: weight, xm: xm, alpha: alpha, lambda: lambda)
    }

    static func exponential(rate: Double) -> PBSLatency {
        PBSLatency(kind: .exponential, paretoWeight: 0, xm: 0, alpha: 1, lambda: rate)
    }

    static let zero = PBSLatency(kind: .zero, paretoWeight: 0, xm: 0, alpha: 1, lambda: .infinity)

    /// One draw. A mixture takes one uniform to choose its part and one for the value, exactly as
    /// `draw()` in pbs.c (same operations, so the same bits for the same seed).
    @inline(__always)
    func draw(_ rng: inout PBSRandom) -> Double {
        switch kind {
        case .mixture:
            if rng.unit() <= paretoWeight { return xm / pow(rng.unit(), 1.0 / alpha) }
            return -log(rng.unit()) / lambda
        case .exponential:
            return -log(rng.unit()) / lambda
        case .zero:
            return 0
        }
    }
}

/// A WARS latency model: the distributions of W (write request, coordinator to replica), A (its
/// acknowledgement), R (read request) and S (read response), drawn independently per replica.
struct PBSModel: Sendable, Equatable {
    /// The name as the user writes it (`lnkd-disk`, `exp(w=0.1,a=1,r=1,s=1)`).
    let name: String
    let w: PBSLatency
    let a: PBSLatency
    let r: PBSLatency
    let s: PBSLatency
    /// `wan` only: a delay added to W and A of every replica but one local write replica, and to
    /// R and S of every replica but one local read replica (both chosen uniformly per trial).
    let remoteDelayMs: Double

    /// True when A, R and S are exactly zero, where the paper's closed form holds at t = 0.
    var hasInstantAcksAndReads: Bool {
        a.kind == .zero && r.kind == .zero && s.kind == .zero && remoteDelayMs == 0
    }

    // The production fits, Bailis et al., VLDB 2012, Table 3 ("Distribution fits for production
    // latency distributions"); the same constants are in the authors' simulator (Simulator.java,
    // classes LinkedSSDDelay, LinkedDiskDelay, YammerDelayModel).
    static let ssd = PBSLatency.mixture(pareto: 0.9122, xm: 0.235, alpha: 10, lambda: 1.66)
    static let diskW = PBSLatency.mixture(pareto: 0.38, xm: 1.05, alpha: 1.51, lambda: 0.183)
    /// Yammer's W. The paper's Table 3 prints α = 3.35, its simulator uses α = 3.5; only 3.5
    /// reproduces the published figures (89.3% at t = 0 with N=3, R=W=1; 3.35 gives 88.7%).
    static let ymmrW = PBSLatency.mixture(pareto: 0.939, xm: 3, alpha: ymmrWriteAlpha, lambda: 0.0028)
    static let ymmrWriteAlpha = 3.5
    static let ymmrARS = PBSLatency.mixture(pareto: 0.982, xm: 1.5, alpha: 3.8, lambda: 0.0217)

    static let lnkdSSD = PBSModel(name: "lnkd-ssd", w: ssd, a: ssd, r: ssd, s: ssd, remoteDelayMs: 0)
    static let lnkdDisk = PBSModel(name: "lnkd-disk", w: diskW, a: ssd, r: ssd, s: ssd, remoteDelayMs: 0)
    static let ymmr = PBSModel(name: "ymmr", w: ymmrW, a: ymmrARS, r: ymmrARS, s: ymmrARS, remoteDelayMs: 0)
    static let wan = PBSModel(name: "wan", w: diskW, a: ssd, r: ssd, s: ssd, remoteDelayMs: 75)

    static let named: [PBSModel] = [lnkdSSD, lnkdDisk, ymmr, wan]
}
