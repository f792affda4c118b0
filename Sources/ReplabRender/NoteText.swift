import ReplabKernel
import ReplabModels

extension Note {
    /// The note in words, as the views, exports and the trace's JSON show it; `node` is where it
    /// happened.
    public func text(at node: Address) -> String {
        func prefix(_ cause: String?) -> String { cause.map { "\($0): " } ?? "" }
        switch self {
        case .tombstone(let key, let version, let cause):
            return "\(prefix(cause))tombstone for \(key) \(version.label)"
        case .stored(let key, let version, let cause):
            return "\(prefix(cause))\(key)=\(version.valueText) \(version.label)"
        case .siblings(let key, let versions, let cause):
            return "\(prefix(cause))\(key) has \(versions.count) siblings: \(Message.describe(versions))"
        case .lastWriteWins(let key, let incoming, let outcome, let cause):
            return prefix(cause) + (outcome.lwwSummary(key: key, incoming: incoming) ?? "")
        case .removedOutright(let key, let count, let cause):
            return "\(prefix(cause))\(key) removed outright (\(count) version(s)); no tombstone kept"
        case .purged(let key, let grace):
            return "tombstone for \(key) purged (older than \(grace) ticks)"
        case .ruleRefused(let kind, let key, let rule, let other, let value):
            return "refuses \(kind.rawValue) \(key): rule \(rule): \(other) already holds \(value?.description ?? "") on \(node.name)"
        case .objectStored(let key, let versions, let cause):
            let text = versions.count > 1 ? "\(key) has \(versions.count) siblings: " : "\(key)="
            return "\(cause): \(text)\(Message.describe(versions))"
        case .writeRefused(let reason):
            return "refused the write: \(reason)"
        case .siblingWarning(let key, let count):
            let warn = Simulation.siblingWarning
            return
                "warning: \(key) has \(count) siblings, more than \(warn) (Riak warns at \(warn) and refuses writes beyond \(Simulation.siblingLimit))"
        case .hintKept(let key, let version, let owner):
            return "keeps \(key)=\(version.valueText) \(version.label) apart, as a hint for \(owner.name)"
        case .hintHandedOff(let key, let owner):
            return "\(owner.name) has \(key) now: deleted the hinted copy"
        case .sloppyReadMissed(let op, let key, let missed):
            let parts = missed.map { entry in
                let holders = zip(entry.holders, entry.owners).map { "\($0.name) (for \($1.name))" }
                let named = holders.count == 1 ? holders[0] : holders.dropLast().joined(separator: ", ") + " and " + holders.last!
                return "\(key)=\(entry.version.valueText) \(entry.version.label), held as a hint by \(named)"
            }
            return
                "op \(op) missed \(parts.joined(separator: "; ")): with sloppy quorums a read need not meet the write's nodes, so w + r > n is only best effort"
        case .exchangeDone(let exchange, let peer, let end, let tally):
            var crossed = [tally.hashes == 1 ? "1 hash" : "\(tally.hashes) hashes"]
            if tally.versionIDs > 0 { crossed.append(tally.versionIDs == 1 ? "1 version id" : "\(tally.versionIDs) version ids") }
            crossed.append(plural(tally.versions, "version"))
            let list = crossed.dropLast().joined(separator: ", ") + " and " + crossed.last!
            let outcome: String? =
                switch end {
                case .rootsAgree: "the roots agree"
                case .treesAgree: "the trees agree"
                case .noVersionDiffers: "no version differs after all"
                case .copied: nil
                }
            return
                "anti-entropy #\(exchange) with \(peer.name) done\(outcome.map { ": \($0)" } ?? ""); \(list) crossed in \(plural(tally.messages, "message")) (a full copy: \(plural(tally.fullCopy, "version")))"
        case .updateFoundNoRow(let key):
            return "no row \(key): the update does nothing"
        case .insertIgnored(let key):
            return "insert \(key) ignored: the row exists"
        case .updateIgnored(let key):
            return "update \(key) ignored: no such row"
        case .waitsForSync(let index, let followers):
            return "#\(index) waits for synchronous \(followers.map(\.name).joined(separator: ", ")) before answering"
        case .promoted(let epoch, let automatic, let lacking, let previous):
            return "\(automatic ? "automatic failover: " : "")\(node.name) promoted to leader (epoch \(epoch))"
                + (lacking > 0 ? "; it lacks \(plural(lacking, "entry")) of \(previous.name)'s log" : "")
        case .nowFollows(let leader, let epoch):
            return "\(node.name) now follows \(leader.name) (epoch \(epoch))"
        case .stepsDown(let reason, let asks):
            let why: String
            switch reason {
            case .fenced(let epoch): why = "fenced by epoch \(epoch)"
            case .sawEpoch(let epoch): why = "saw epoch \(epoch)"
            case .newLeader(let leader, let epoch): why = "\(leader.name) leads epoch \(epoch)"
            }
            guard let asks else { return "\(node.name) steps down (\(why))" }
            return "\(node.name) steps down (\(why)) and asks \(asks.name) for the entries it lacks"
        case .fencingRejected(let entry, let from, let epoch, let current):
            return "rejects \(entry.map { "#\($0)" } ?? "its empty log") from \(from.name): epoch \(epoch) < \(current)"
        case .leadsToo(let from, let entry):
            return "\(node.name) leads too: ignores \(from.name)'s \(entry.map { "#\($0.index) \($0.text)" } ?? "empty log")"
        case .followsAnother(let leader, let entry, let from):
            return "\(node.name) follows \(leader?.name ?? "?"): ignores \(entry.map { "#\($0)" } ?? "its empty log") from \(from.name)"
        case .ignoresClaim(let epoch, let claimant):
            return "\(node.name) still believes it leads (epoch \(epoch)); without fencing it ignores \(claimant.name)'s claim"
        case .truncated(let discarded, let leader):
            return "\(node.name) discards \(discarded.map { "#\($0.index) \($0.text) (epoch \($0.epoch))" }.joined(separator: ", ")):"
                + " not in \(leader.name)'s log"
        case .buffered(let write, let missing):
            return
                "holds \(write.text) from \(write.origin.name) until it has \(missing.map { "\($0.node.name):\($0.counter)" }.joined(separator: ", ")) (causal delivery)"
        case .released(let write):
            return "releases \(write.text) from \(write.origin.name): its dependencies arrived"
        case .overtaken(let key, let origin):
            return "update \(key) from \(origin.name) finds no row: it does nothing"
        case .conflict(let key, let versions, let union):
            let how = union ? "kept both; reads see the union" : "kept as siblings"
            return "conflict on \(key): \(versions.count) concurrent versions \(how): \(Message.describe(versions))"
        case .conflictLastWriteWins(let key, let incoming, let outcome):
            return "conflict on \(key): \(outcome.lwwSummary(key: key, incoming: incoming) ?? "")"
        case .resent(let peer, let count):
            return "\(node.name) resends \(peer.name) \(plural(count, "write")) it missed"
        }
    }
}
