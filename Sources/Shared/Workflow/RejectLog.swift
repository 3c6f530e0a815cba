import Logging

/// Every reject is logged as a warning (SPEC §2.2): the first `oneByOne` of a batch each
/// with its record, code and message, and the rest in one summary line with their count
/// per error code, so a batch of thousands of bad records neither floods the log nor
/// goes unseen. All of them are in `crmbridge.rejects` and on the rejects topic.
public enum RejectLog {
    public static let oneByOne = 20

    public static func log(_ rejects: [RejectStore.Reject], to logger: Logger) {
        for reject in rejects.prefix(oneByOne) {
            logger.warning("record rejected", metadata: [
                "entity": "\(reject.entity ?? "")", "id": "\(reject.recordID ?? "")",
                "errorSymbol": "\(reject.errorSymbol)", "errorMessage": "\(reject.errorMessage)"])
        }
        let rest = rejects.dropFirst(oneByOne)
        guard !rest.isEmpty else { return }
        var bySymbol: [String: Int] = [:]
        var entities: Set<String> = []
        for reject in rest {
            bySymbol[reject.errorSymbol, default: 0] += 1
            if let entity = reject.entity { entities.insert(entity) }
        }
        let counts = bySymbol.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        logger.warning("more records rejected; see crmbridge.rejects", metadata: [
            "rejected": "\(rejects.count)", "notListed": "\(rest.count)", "bySymbol": "\(counts)",
            "entities": "\(entities.sorted().joined(separator: ","))"])
    }
}
