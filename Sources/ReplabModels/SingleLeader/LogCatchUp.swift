import ReplabKernel

// Catch-up: how leader-based replicas that missed writes (a crash, a lost message, a partition)
// get them again, and how a deposed leader's divergent entries are discarded.
//
// Single-leader follows Raft's AppendEntries (Ongaro and Ousterhout, "In Search of an
// Understandable Consensus Algorithm", section 5.3):
// - every entry carries the epoch (Raft's term) of the entry before it; a follower appends an
//   entry only when its own log has that predecessor, so it applies the log strictly in order;
// - a follower that lacks the predecessor does not apply the entry: it answers
//   `catchUpRequest(have:)`, the length of the prefix it may share with the leader;
// - the leader resends from there one entry at a time (`catchUp`), the next one when the
//   previous one is acknowledged (Raft's nextIndex and matchIndex), so at most one catch-up
//   entry per follower is on its way;
// - where the follower holds a different entry at a position (written by a deposed leader), it
//   discards that entry and everything after it, and rebuilds its table from the log that is
//   left; entries beyond the leader's log from another epoch are discarded the same way;
// - the leader resends on its own when a follower recovers, and on a tick (Raft's heartbeat)
//   to a reachable follower that is behind and has heard nothing from it for the operation
//   timeout (`set timeout`), which brings back what a lost message or a partition kept away.
//
// Multi-leader uses the chapter's replica-id tags (`path`: a write is never sent to a leader
// it has passed) and version vectors as CouchDB's replication checkpoints use sequence
// numbers: a peer sends a neighbour that forwards writes to it `missing(have:)`, every write it
// has applied; the neighbour answers with each write it holds that the peer lacks and that the
// topology routes through it to the peer, each as an ordinary `propagate` message. A peer asks
// when it recovers, when a write arrives whose origin's earlier writes it has not seen, and on
// a tick while it still knows of a gap; never twice within the timeout to the same neighbour.

/// The catch-up entry a leader has sent a follower and not yet seen acknowledged.
public struct CatchUpMark: Sendable, Hashable {
    public var index: UInt64
    public var sentAt: UInt64
}

extension SingleLeaderModel {
    // MARK: - The follower

    /// A follower receives an entry from a leader (`replicate` as written, or `catchUp`):
    /// the epoch checks, then Raft's consistency check, truncation of divergent entries, and
    /// the acknowledgement.
    mutating func followerReceives(
        _ write: ReplicatedWrite?, leaderEpoch: Int, length: UInt64?, from: Address, at me: Address
    ) {
        var state = replication[me.replicaIndex]
        if let write, length == nil, state.log.count >= Int(write.index), state.log[Int(write.index) - 1] == write { return }
        if settings.fencing {
            if leaderEpoch < state.epoch {
                note(me, .fencingRejected(entry: write?.index, from: from, epoch: leaderEpoch, current: state.epoch))
                send(from: me, to: from, .fenced(epoch: state.epoch, leader: state.leader ?? currentLeader))
                return
            }
            if leaderEpoch > state.epoch {
                if state.isLeader { stepDown(at: me, epoch: leaderEpoch, leader: from, why: .sawEpoch(leaderEpoch), ask: false) }
                state = replication[me.replicaIndex]
                state.epoch = leaderEpoch
                state.leader = from
                replication[me.replicaIndex] = state
            }
        }
        if state.isLeader {
            note(me, .leadsToo(from: from, entry: write))
            return
        }
        if state.leader != from {
            // A follower streams from the one leader it follows; a higher epoch names a new one.
            guard leaderEpoch > state.epoch else {
                note(me, .followsAnother(leader: state.leader, entry: write?.index, from: from))
                return
            }
            state.epoch = leaderEpoch
            state.leader = from
            replication[me.replicaIndex] = state
            note(me, .nowFollows(leader: from, epoch: leaderEpoch))
        }
        guard let write else {
            discardEntries(after: 0, unlessEpoch: leaderEpoch, leader: from, at: me)
            send(from: me, to: from, .replicateAck(op: 0, index: 0, epoch: leaderEpoch))
            return
        }
        let position = Int(write.index)
        let log = state.log
        if position > 1 && (log.count < position - 1 || log[position - 2].epoch != write.previousEpoch) {
            // The consistency check fails: the entry is not applied; the leader is told where
            // this log may still agree with its own.
            let have = log.count < position - 1 ? log.count : position - 2
            send(from: me, to: from, .catchUpRequest(have: UInt64(have), epoch: state.epoch))
            return
        }
        if log.count >= position {
            let existing = log[position - 1]
            if existing.epoch != write.epoch || existing.op != write.op {
                discardEntries(after: position - 1, unlessEpoch: nil, leader: from, at: me)
            }
        }
        if replication[me.replicaIndex].log.count == position - 1 {
            applyRow(write, at: me)
            replication[me.replicaIndex].log.append(write)
        }
        if let length { discardEntries(after: Int(length), unlessEpoch: leaderEpoch, leader: from, at: me) }
        send(from: me, to: from, .replicateAck(op: write.op, index: write.index, epoch: write.epoch))
    }

    /// Removes a follower's log entries after `count` (keeping those written in `unlessEpoch`,
    /// the sending leader's own) and rebuilds its table from the log that is left.
    mutating func discardEntries(after count: Int, unlessEpoch: Int?, leader: Address, at me: Address) {
        let log = replication[me.replicaIndex].log
        guard log.count > count else { return }
        let tail = log[count...]
        if let unlessEpoch, tail.allSatisfy({ $0.epoch == unlessEpoch }) { return }
        let discarded = tail.filter { $0.epoch != unlessEpoch }
        var kept = log
        kept.truncate(to: count)
        for write in tail where write.epoch == unlessEpoch { kept.append(write) }
        replication[me.replicaIndex].log = kept
        replicas[me.replicaIndex].store = SingleLeaderModel.replay(kept, at: me)
        note(me, .truncated(discarded: Array(discarded), leader: leader))
    }

    /// The table a log builds, applied in order (the same rules as `applyRow`).
    static func replay(_ log: some Sequence<ReplicatedWrite>, at node: Address) -> [String: [Version]] {
        var store: [String: [Version]] = [:]
        for write in log {
            let hasRow = (store[write.key] ?? []).contains { !$0.isTombstone }
            switch write.kind {
            case .delete: store[write.key] = nil
            case .insert where hasRow && write.origin != node: continue
            case .update where !hasRow: continue
            default: store[write.key] = [write.version]
            }
        }
        return store
    }

    // MARK: - The leader

    /// A follower confirmed its log matches the leader's through `index`; a catch-up continues
    /// with the next entry.
    mutating func leaderGotAck(index: UInt64, from follower: Address, at me: Address) {
        guard replication[me.replicaIndex].isLeader else { return }
        var state = replication[me.replicaIndex]
        let matched = min(max(state.matched[follower] ?? 0, index), UInt64(state.log.count))
        state.matched[follower] = matched
        let mark = state.catchingUp[follower]
        if let mark, mark.index <= index { state.catchingUp[follower] = nil }
        replication[me.replicaIndex] = state
        if let mark, mark.index <= index, matched < UInt64(state.log.count) {
            sendCatchUp(index: matched + 1, to: follower, at: me)
        }
    }

    /// A follower lacks the entries after `have` (or a deposed leader rejoins): the leader sends
    /// the first it may lack, unless that entry is already on its way.
    mutating func leaderGotCatchUpRequest(have: UInt64, from follower: Address, at me: Address) {
        let state = replication[me.replicaIndex]
        guard state.isLeader else { return }
        let count = UInt64(state.log.count)
        // Its log is as long as the leader's and it has confirmed all of it: nothing to send.
        if have == count && state.matched[follower] == count { return }
        let start = min(have + 1, count)
        if let mark = state.catchingUp[follower], mark.index == start, now - mark.sentAt < catchUpRetryTicks { return }
        sendCatchUp(index: start, to: follower, at: me)
    }

    /// Sends entry `index` of the leader's log (0: its empty log) to a follower.
    mutating func sendCatchUp(index: UInt64, to follower: Address, at me: Address) {
        let state = replication[me.replicaIndex]
        let write = index >= 1 ? state.log[Int(index) - 1] : nil
        send(from: me, to: follower, .catchUp(write, length: UInt64(state.log.count), epoch: state.epoch))
        replication[me.replicaIndex].catchingUp[follower] = CatchUpMark(index: index, sentAt: now)
        replication[me.replicaIndex].lastContact[follower] = now
    }

    /// The entry a leader probes a follower with: the one after what it has confirmed, or its
    /// last entry (0: its empty log) when the follower has confirmed nothing to this leader yet
    /// (Raft starts nextIndex at the end of the leader's log and walks back).
    func probeIndex(for follower: Address, at leader: Address) -> UInt64? {
        let state = replication[leader.replicaIndex]
        let count = UInt64(state.log.count)
        guard let matched = state.matched[follower] else { return count }
        guard matched < count else { return nil }
        return matched > 0 ? matched + 1 : count
    }

    // MARK: - When catch-up starts

    /// A node came back: each leader that can reach it resends what it lacks.
    mutating func recovered(_ node: Address) {
        for leader in replicaAddresses where leader != node && replication[leader.replicaIndex].isLeader {
            guard isReachable(from: leader, to: node), let index = probeIndex(for: node, at: leader) else { continue }
            replication[leader.replicaIndex].catchingUp[node] = nil
            sendCatchUp(index: index, to: node, at: leader)
        }
    }

    /// Called every tick: a leader resends to a reachable follower that is behind and has heard
    /// nothing from it for the timeout.
    mutating func retryCatchUp() {
        for leader in replicaAddresses where replication[leader.replicaIndex].isLeader && !faults.isCrashed(leader) {
            for follower in replicaAddresses where follower != leader && isReachable(from: leader, to: follower) {
                let last = replication[leader.replicaIndex].lastContact[follower] ?? 0
                guard now - last >= catchUpRetryTicks, let index = probeIndex(for: follower, at: leader) else { continue }
                sendCatchUp(index: index, to: follower, at: leader)
            }
        }
    }
}
