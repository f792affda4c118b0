/// What `pbs` prints, in the three forms replab offers.
public struct PBSOutput: Sendable {
    /// The human-readable table, 99.9% point, latency percentiles and ASCII plot (≤ 80 columns).
    public var text: String
    /// The value of "pbs" in JSON mode, on one line: an object for one configuration, an array
    /// of such objects for `pbs compare`.
    public var json: String
    /// An `xychart-beta` line chart of the listed points, for slides (renders in Mermaid 11).
    public var mermaid: String

    public init(text: String, json: String, mermaid: String) {
        self.text = text
        self.json = json
        self.mermaid = mermaid
    }
}

/// A one-line explanation of what was wrong with a `pbs` command and what is allowed.
public struct PBSError: Error, Sendable, Equatable {
    public var message: String

    public init(message: String) { self.message = message }
}

/// The `pbs` command: the probabilistically bounded staleness lab (Bailis et al., VLDB 2012).
public enum PBSCommand {
    /// `args` are the whitespace-separated words after `pbs` (e.g. ["n=3","r=1","t=0,5,10"] or
    /// ["compare", ...]). `defaultSeed` is the session's seed; `seed=N` overrides it.
    public static func run(_ args: [String], defaultSeed: UInt64) -> Result<PBSOutput, PBSError> {
        let request: PBSRequest
        switch PBSParser.parse(args, defaultSeed: defaultSeed) {
        case .failure(let error): return .failure(error)
        case .success(let parsed): request = parsed
        }
        let times = request.times ?? PBSRequest.defaultTimes
        let summaries = request.configs.map { config in
            PBSSummary(
                config: config,
                outcome: PBSSimulator.run(
                    PBSRunSpec(
                        model: config.model, quorum: config.quorum, trials: request.trials,
                        seed: request.seed, times: times)),
                k: request.k)
        }
        return .success(output(request, summaries))
    }

    static func output(_ request: PBSRequest, _ summaries: [PBSSummary]) -> PBSOutput {
        let shown = PBSRender.shownTimeCount(request, summaries)
        let objects = summaries.map { PBSRender.json(request, $0, shown: shown) }
        return PBSOutput(
            text: PBSRender.text(request, summaries),
            json: request.isCompare ? "[" + objects.joined(separator: ",") + "]" : objects[0],
            mermaid: PBSRender.mermaid(request, summaries, shown: shown))
    }

    public static let summary = "how stale are reads from partial quorums? Probabilistically Bounded Staleness, simulated"

    public static let optionNames = ["n=", "r=", "w=", "dist=", "trials=", "t=", "k=", "seed=", "compare"]

    public static let help = """
        pbs: how stale are reads from partial quorums? Probabilistically Bounded
        Staleness (Bailis et al., "Probabilistically Bounded Staleness for Practical
        Partial Quorums", VLDB 2012), by Monte Carlo simulation of its WARS model.

          pbs [n=3] [r=1] [w=1] [dist=lnkd-disk] [trials=100000] [t=0,1,2,5,…]
              [k=1] [seed=N]
          pbs compare CONFIG CONFIG … [dist=…] [trials=…] [t=…] [k=…] [seed=…]

        The model. A coordinator sends every request to all n replicas. A trial
        draws, for each replica i, four one-way latencies: W[i] (the write request),
        A[i] (its acknowledgement), R[i] (the read request), S[i] (the response).
        The write commits at w_t, the w-th smallest W[i]+A[i]. A read starts t ms
        later and keeps the first r responses by R[i]+S[i]; it is consistent when
        one of those replicas already had the write: w_t + R[i] + t ≥ W[i].
        Read latency is the r-th smallest R[i]+S[i]; write latency is w_t.

        Options
          n=3             replicas, 1 to 50
          r=1             read responses to wait for, 1 to n
          w=1             write acknowledgements to wait for, 1 to n
          dist=lnkd-disk  the latency model (below); names are case-insensitive
          trials=100000   Monte Carlo trials, 1 to 100,000,000, and trials × n at
                          most 1,000,000,000 (1000000, 1e6 and 1_000_000 all work)
          t=0,1,2,5,…     times after the write commits, in ms: ≥ 0, at most three
                          decimals, at most 50 of them. Default: 0, 1, 2, 5, 10,
                          20, 50, 100, … 10000, shown up to the first time at which
                          every configuration is 99.9% consistent
          k=1             k-staleness: the chance to read one of the last k
                          versions, 1 − (1 − p)^k (versions independent), 1 to 100
          seed=N          the seed, decimal or 0x hex (default: the session's)

        Distributions, in ms. Pareto(xm, α): P(X > x) = (xm/x)^α for x ≥ xm;
        exponential(λ): rate λ per ms, mean 1/λ. The fits are the paper's Table 3.
          lnkd-ssd   LinkedIn's Voldemort on SSDs. W = A = R = S:
                     91.22% Pareto(0.235, 10), 8.78% exponential(1.66)
          lnkd-disk  LinkedIn on spinning disks. W: 38% Pareto(1.05, 1.51),
                     62% exponential(0.183); A, R, S as lnkd-ssd
          ymmr       Yammer's Riak. W: 93.9% Pareto(3, 3.5), 6.1% exponential
                     (0.0028); A = R = S: 98.2% Pareto(1.5, 3.8), 1.8%
                     exponential(0.0217). W's α is 3.5, as in the authors'
                     simulator, not the 3.35 printed in Table 3: only 3.5
                     reproduces the published figures (89.3% consistent at t = 0
                     for N=3, R=W=1; α = 3.35 gives 88.7%)
          wan        lnkd-disk, plus 75 ms on W and A of every replica but one
                     local write replica, and on R and S of every replica but one
                     local read replica, both picked at random in each trial
          exp(w=λ,a=λ,r=λ,s=λ)
                     exponential latencies with these rates (a missing rate is
                     1). inf makes a latency exactly 0: with exp(w=1,a=inf,r=inf,
                     s=inf), P(stale at t=0) = C(N−W,R)/C(N,R), the closed form

        How the numbers are made
          Each trial records how long its read would have had to wait: it is
          consistent at t exactly when t ≥ τ, τ = the least W[i] − w_t − R[i]
          over its r responders. P(consistent) at a listed t is an exact count
          over all trials, rounded down to 4 decimals (0.9990 means ≥ 99.9%).
          The 99.9% point is searched on the same trials, not re-sampled per t:
          it is the smallest t at which the count of τ ≤ t reaches 99.9%, read
          from a histogram of τ with buckets 0.1% wide, so the printed t is 99.9%
          consistent and the exact crossing is at most 0.1% earlier (a listed t
          that is already 99.9% consistent is used when smaller). Latency
          percentiles come from histograms of the same kind (within 0.1%).
          With R + W > N every read quorum overlaps the write quorum: P = 1
          exactly, by construction. The same seed prints the same output.

        compare
          A word of n=, r=, w=, dist= settings joined by commas is one
          configuration; an option repeated in separate words gives one
          configuration per value; an option given once applies to all. 2 to 6
          configurations, all simulated with the same random draws, are shown
          side by side and on one plot.
            pbs compare n=3,r=1,w=1 n=3,r=2,w=1 dist=lnkd-ssd
            pbs compare dist=lnkd-ssd dist=lnkd-disk
            pbs compare n=2 n=3 n=5 n=10 t=0,10,50

        Output
          text     the table, the 99.9% point, p50/p99/p99.9 latencies and a plot
                   of P(consistent) against t (log scale above 1 ms), 80 columns
          json     {"points":[{"t":0,"consistent":0.4365},…],"t999":…,
                   "read_ms":{"p50":…,"p99":…,"p999":…},"write_ms":{…},
                   "trials":…,"seed":…,"config":{"n","r","w","dist","k"}};
                   ms throughout; compare gives an array of these, in order
          mermaid  an xychart-beta line chart of the listed points, one line per
                   configuration (the x-axis title names each line's colour)

        Examples
          pbs                               lnkd-disk, N=3, R=W=1
          pbs dist=lnkd-ssd t=0,0.5,1,2
          pbs dist=ymmr r=2 trials=1000000
          pbs dist=exp(w=0.1,a=1,r=1,s=1)   slow writes: the paper's sweep
          pbs compare r=1 r=2 r=3 dist=wan
        """
}
