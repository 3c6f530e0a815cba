import Foundation

/// A table's rows in one `$orderby` order, for one read: the seeded rows (in `baseOrder`,
/// or row order when nil, which is id order) merged with the overlay rows (in
/// `overlayOrder`), seeded rows that no longer read as generated skipped. Rows are built
/// only as the merge reaches them.
struct DynamicsTableView {
    let table: DynamicsTable
    let keys: [DynamicsSortKey]
    let baseOrder: [UInt32]?
    let overlayOrder: [DynamicsOverlayRef]

    /// The keys that decide the order: the id breaks every tie, so an ascending id key,
    /// and anything after any id key, changes nothing.
    static func effectiveKeys(_ keys: [DynamicsSortKey], primaryKey: Int) -> [DynamicsSortKey] {
        guard let position = keys.firstIndex(where: { $0.field == primaryKey }) else { return keys }
        return keys[position].descending ? Array(keys[...position]) : Array(keys[..<position])
    }

    private var baseCount: Int { table.base.count }

    private func baseIndex(_ position: Int) -> Int {
        baseOrder.map { Int($0[position]) } ?? position
    }

    private func overlayRecord(_ position: Int) -> DynamicsRecord {
        switch overlayOrder[position] {
        case .record(let index): table.records[index]
        case .mutated(let index): table.mutated(index, table.mutations[index]!)
        }
    }

    /// Visits rows in order, starting at the first that `isBefore` rejects (it must hold
    /// for a prefix of the order) and ending before the first that `isPast` accepts (it
    /// must hold for a suffix), or when `body` returns false.
    func scan(isBefore: (DynamicsRecord) -> Bool, isPast: (DynamicsRecord) -> Bool, _ body: (DynamicsRecord) -> Bool) {
        var basePosition = Self.partition(baseCount) { isBefore(table.base.record(baseIndex($0))) }
        var overlayPosition = Self.partition(overlayOrder.count) { isBefore(overlayRecord($0)) }
        func nextBase() -> DynamicsRecord? {
            while basePosition < baseCount {
                let index = baseIndex(basePosition)
                if table.isGenerated(index) { return table.base.record(index) }
                basePosition += 1
            }
            return nil
        }
        var baseHead = nextBase()
        var overlayHead = overlayPosition < overlayOrder.count ? overlayRecord(overlayPosition) : nil
        while true {
            let takeBase: Bool
            switch (baseHead, overlayHead) {
            case (nil, nil): return
            case (.some, nil): takeBase = true
            case (nil, .some): takeBase = false
            case let (b?, o?): takeBase = DynamicsTable.compare(b, o, keys) < 0
            }
            let row = takeBase ? baseHead! : overlayHead!
            if isPast(row) || !body(row) { return }
            if takeBase {
                basePosition += 1
                baseHead = nextBase()
            } else {
                overlayPosition += 1
                overlayHead = overlayPosition < overlayOrder.count ? overlayRecord(overlayPosition) : nil
            }
        }
    }

    /// The first position in `0..<count` where `before` is false (`before` holds for a prefix).
    static func partition(_ count: Int, before: (Int) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if before(mid) { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

extension DynamicsTable {
    /// What changed in `(after, snapshot]`, in version order, at most `limit` entries:
    /// seeded rows still as generated (their versions run in row order), then overlay rows
    /// and tombstones, merged.
    func changes(after: Int64, upTo snapshot: Int64, limit: Int) -> [(version: Int64, item: DynamicsPage.Item)] {
        var overlay: [(version: Int64, item: Change)] = []
        for (position, record) in records.enumerated() where record.version > after && record.version <= snapshot {
            overlay.append((record.version, .record(position)))
        }
        for (index, mutation) in mutations where mutation.version > after && mutation.version <= snapshot {
            overlay.append((mutation.version, .mutated(index)))
        }
        for tombstone in tombstones where tombstone.version > after && tombstone.version <= snapshot {
            overlay.append((tombstone.version, .deleted(tombstone.id)))
        }
        overlay.sort { $0.version < $1.version }
        var result: [(version: Int64, item: DynamicsPage.Item)] = []
        var overlayPosition = 0
        func takeOverlay(below version: Int64) -> Bool {
            while overlayPosition < overlay.count, overlay[overlayPosition].version < version, result.count < limit {
                let (changeVersion, change) = overlay[overlayPosition]
                overlayPosition += 1
                switch change {
                case .record(let position): result.append((changeVersion, .row(records[position])))
                case .mutated(let index): result.append((changeVersion, .row(mutated(index, mutations[index]!))))
                case .deleted(let id): result.append((changeVersion, .deleted(id)))
                }
            }
            return result.count < limit
        }
        for segment in base.segments {
            let lastVersion = segment.firstVersion + Int64(segment.count) - 1
            guard lastVersion > after, segment.firstVersion <= snapshot else { continue }
            let first = Int(max(after + 1, segment.firstVersion) - segment.firstVersion)
            let last = Int(min(snapshot, lastVersion) - segment.firstVersion)
            for offset in first...last {
                let index = segment.start + offset
                guard isGenerated(index) else { continue }
                let version = segment.firstVersion + Int64(offset)
                guard takeOverlay(below: version) else { return result }
                result.append((version, .row(base.record(index))))
                if result.count == limit { return result }
            }
        }
        _ = takeOverlay(below: .max)
        return result
    }

    private enum Change {
        case record(Int)
        case mutated(Int)
        case deleted(UUID)
    }
}
