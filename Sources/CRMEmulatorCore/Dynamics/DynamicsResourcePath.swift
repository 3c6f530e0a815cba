import Foundation

/// What a Web API path (relative to `/api/data/v9.2/`) addresses.
enum DynamicsResourcePath: Equatable {
    /// How a single record is addressed in `set(…)`.
    enum Key: Equatable {
        case id(UUID)
        /// Alternate key columns and their literal values: `crmb_eventid='123'`.
        case alternate([(String, DynamicsKeyLiteral)])

        static func == (a: Key, b: Key) -> Bool {
            switch (a, b) {
            case let (.id(x), .id(y)): x == y
            case let (.alternate(x), .alternate(y)): x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
            default: false
            }
        }
    }

    case serviceDocument
    case metadata
    case batch
    case whoAmI
    case entityDefinitions(logicalName: String?, attributes: Bool)
    case collection(String)
    case record(String, Key)

    static func parse(_ path: String) throws(DynamicsError) -> DynamicsResourcePath {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        switch trimmed {
        case "": return .serviceDocument
        case "$metadata": return .metadata
        case "$batch": return .batch
        case "WhoAmI", "WhoAmI()": return .whoAmI
        case "EntityDefinitions": return .entityDefinitions(logicalName: nil, attributes: false)
        default: break
        }
        if trimmed.hasPrefix("EntityDefinitions(") {
            let attributes = trimmed.hasSuffix(")/Attributes")
            let head = attributes ? String(trimmed.dropLast("/Attributes".count)) : trimmed
            guard head.hasSuffix(")"), let open = head.firstIndex(of: "(") else { throw .segmentNotFound(trimmed) }
            let inner = head[head.index(after: open)..<head.index(before: head.endIndex)]
            guard inner.hasPrefix("LogicalName='"), inner.hasSuffix("'") else {
                throw .badQuery("EntityDefinitions are addressed as EntityDefinitions(LogicalName='name').")
            }
            return .entityDefinitions(logicalName: String(inner.dropFirst("LogicalName='".count).dropLast()), attributes: attributes)
        }
        guard !trimmed.contains("/") else {
            throw .segmentNotFound(String(trimmed[trimmed.index(after: trimmed.firstIndex(of: "/")!)...]))
        }
        guard let open = trimmed.firstIndex(of: "(") else { return .collection(trimmed) }
        guard trimmed.hasSuffix(")") else { throw .segmentNotFound(trimmed) }
        let set = String(trimmed[..<open])
        let inner = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        return .record(set, try parseKey(inner))
    }

    static func parseKey(_ text: Substring) throws(DynamicsError) -> Key {
        let bad = DynamicsError.badQuery("Bad Request - Error in query syntax: the key '\(text)' is not valid.")
        if DynamicsFilterParser.isGUID(text), let id = UUID(uuidString: String(text)) { return .id(id) }
        var pairs: [(String, DynamicsKeyLiteral)] = []
        for (name, literal) in try splitKeyPairs(text) {
            guard !name.isEmpty else { throw bad }
            pairs.append((name, try DynamicsKeyLiteral(literal)))
        }
        guard !pairs.isEmpty else { throw bad }
        return .alternate(pairs)
    }

    private static func splitKeyPairs(_ text: Substring) throws(DynamicsError) -> [(String, Substring)] {
        var pairs: [(String, Substring)] = []
        var quoted = false
        var start = text.startIndex
        var index = text.startIndex
        func add(_ piece: Substring) throws(DynamicsError) {
            guard let equals = piece.firstIndex(of: "=") else {
                throw .badQuery("Bad Request - Error in query syntax: the key '\(text)' is not valid.")
            }
            pairs.append((piece[..<equals].trimmingCharacters(in: .whitespaces), piece[piece.index(after: equals)...]))
        }
        while index < text.endIndex {
            let character = text[index]
            if character == "'" { quoted.toggle() }
            if character == ",", !quoted {
                try add(text[start..<index])
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        try add(text[start..<text.endIndex])
        return pairs
    }
}

/// A literal in a key segment: `'text'` (quotes doubled inside), a number or a GUID.
enum DynamicsKeyLiteral: Equatable {
    case string(String)
    case number(String)
    case guid(UUID)

    init(_ text: Substring) throws(DynamicsError) {
        let value = text.trimmingCharacters(in: .whitespaces)
        if value.count >= 2, value.hasPrefix("'"), value.hasSuffix("'") {
            self = .string(String(value.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'"))
        } else if DynamicsFilterParser.isGUID(value), let id = UUID(uuidString: value) {
            self = .guid(id)
        } else if Double(value) != nil {
            self = .number(value)
        } else {
            throw .badQuery("Bad Request - Error in query syntax: '\(value)' is not a valid key value.")
        }
    }

    /// The value for a key column of this type.
    func value(for field: DynamicsFieldDefinition) -> DynamicsValue? {
        switch (self, field.type) {
        case (.string(let text), .string), (.string(let text), .memo): .string(text)
        case (.number(let text), .integer), (.number(let text), .picklist): Int(text).map { .integer($0) }
        case (.number(let text), .decimal), (.number(let text), .money): Double(text).map { .decimal($0) }
        case (.guid(let id), .uniqueIdentifier): .guid(id)
        case (.guid(let id), .lookup): .guid(id)
        default: nil
        }
    }
}
