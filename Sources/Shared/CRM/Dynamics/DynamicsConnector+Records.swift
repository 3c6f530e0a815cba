extension DynamicsConnector {
    /// Records by id, as `(<id> eq g1 or <id> eq g2 …)` filters (combined with the
    /// query's own filter), chunked so every URL stays under `maxURLLength` and every
    /// chunk fits one page. GUIDs are unquoted in OData, so every id must be a GUID
    /// (braces allowed); anything else is refused before the first call.
    public func records(ids: [String], query: CRMQuery) -> CRMPages {
        let plan: ReadPlan
        do {
            plan = try ReadPlan(query, configuration: configuration)
        } catch {
            return CRMPaging.failing(error)
        }
        var guids: [String] = []
        guids.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() {
            guard let guid = Self.guid(id) else {
                return CRMPaging.failing(CRMError(
                    system: system, code: .invalidRequest, operation: "read \(plan.entitySet) by id",
                    message: "id \(index + 1) of \(ids.count) is not a GUID"))
            }
            guids.append(guid)
        }
        guard !guids.isEmpty else { return CRMPaging.empty }

        let prefix = plan.userFilter.map { $0 + " and " } ?? ""
        let terms = guids.map { "\(plan.idField) eq \($0)" }
        let fixed = plan.url(filter: prefix + "()").utf8.count
        let separator = " or ".percentEncoded.utf8.count
        guard let chunks = CRMIDChunks.split(
            termLengths: terms.map { $0.percentEncoded.utf8.count }, separatorLength: separator,
            budget: configuration.maxURLLength - fixed, maxCount: plan.pageSize)
        else {
            return CRMPaging.failing(CRMError(
                system: system, code: .invalidRequest, operation: "read \(plan.entitySet) by id",
                message: "the query alone is longer than the URL limit of \(configuration.maxURLLength) characters"))
        }
        return CRMPaging.stream(
            system: system, operation: plan.operation, chunks: chunks.count,
            first: { chunk in
                let filter = prefix + "(" + terms[chunks[chunk]].joined(separator: " or ") + ")"
                return try await fetchPage(plan.url(filter: filter), plan)
            },
            next: { link in try await fetchPage(link, plan) })
    }

    /// The GUID in canonical 8-4-4-4-12 form (braces removed), or nil.
    static func guid(_ text: String) -> String? {
        var bytes = Array(text.utf8)
        if bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") {
            bytes = Array(bytes.dropFirst().dropLast())
        }
        guard bytes.count == 36 else { return nil }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else {
                let isHex = (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
                guard isHex else { return nil }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
