import ReplabKernel

// Multi-leader catch-up, CouchDB-style: a peer tells a neighbour every write it has applied
// (its version vector) and the neighbour resends, oldest first, the writes the topology routes
// from it to the peer that the peer lacks. A peer asks when it comes back, when a write arrives
// whose origin's earlier writes it has not all seen, and again every timeout while a gap stays.

extension MultiLeaderModel {
    /// A node came back: it asks its neighbours for what it missed.
    mutating func recovered(_ node: Address) {
        for neighbour in upstreamNeighbours(of: node) { askMissing(neighbour, at: node) }
    }

    /// Called every tick: a peer that knows of a gap asks again.
    mutating func retryCatchUp() {
        for node in replicaAddresses where !faults.isCrashed(node) {
            let state = replication[node.replicaIndex]
            guard !state.applied.extra.isEmpty || !state.buffer.isEmpty else { continue }
            for neighbour in upstreamNeighbours(of: node) where isReachable(from: node, to: neighbour) {
                let last = state.lastContact[neighbour] ?? 0
                if now - last >= catchUpRetryTicks { askMissing(neighbour, at: node) }
            }
        }
    }

    /// The leaders a write from `origin` has passed when it reaches `node` by the topology.
    func canonicalPath(of origin: Address, at node: Address) -> [Address] {
        guard origin != node else { return [] }
        switch options.topology {
        case .allToAll:
            return [origin]
        case .star:
            let hub = Address.replica(0)
            return node == hub || origin == hub ? [origin] : [origin, hub]
        case .ring:
            var path: [Address] = []
            var index = origin.replicaIndex
            while index != node.replicaIndex {
                path.append(.replica(index))
                index = (index + 1) % config.nodes
            }
            return path
        }
    }

    /// The neighbours that forward writes to `node` by the topology.
    func upstreamNeighbours(of node: Address) -> [Address] {
        replicaAddresses.filter { sender in
            sender != node
                && replicaAddresses.contains { origin in
                    origin != node && propagationTargets(from: sender, path: canonicalPath(of: origin, at: sender)).contains(node)
                }
        }
    }

    /// A peer sends a neighbour what it has applied.
    mutating func askMissing(_ neighbour: Address, at me: Address) {
        send(from: me, to: neighbour, .missing(have: replication[me.replicaIndex].applied))
        replication[me.replicaIndex].lastContact[neighbour] = now
    }

    /// A write arrived whose origin's earlier writes this peer has not all seen: it asks the
    /// neighbour that sent it (with the write just received counted), unless it asked within
    /// the timeout.
    mutating func askForGap(from: Address, at me: Address) {
        guard from.isReplica else { return }
        let state = replication[me.replicaIndex]
        if let last = state.lastContact[from], now - last < catchUpRetryTicks { return }
        askMissing(from, at: me)
    }

    /// Answers `missing(have:)`: every write held here that the asker lacks and that the
    /// topology routes from here to it, oldest first.
    mutating func sendMissing(to peer: Address, have: VersionVector, at me: Address) {
        let writes = replication[me.replicaIndex].log.filter { write in
            write.origin != peer && !have.contains(Dot(write.origin, write.index))
                && propagationTargets(from: me, path: canonicalPath(of: write.origin, at: me)).contains(peer)
        }
        guard !writes.isEmpty else { return }
        note(me, .resent(peer: peer, count: writes.count))
        for write in writes { send(from: me, to: peer, .propagate(write, path: canonicalPath(of: write.origin, at: me) + [me])) }
    }
}
