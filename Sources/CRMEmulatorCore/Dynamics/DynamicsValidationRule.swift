/// A rule that makes the emulator refuse matching writes with 400 `0x80044331`, to
/// produce rejects on demand (`PUT /admin/dynamics/validation-rules`).
public struct DynamicsValidationRule: Codable, Sendable, Equatable {
    /// Entity set name (`contacts`).
    public var entity: String
    /// Column logical name.
    public var field: String
    /// Refuse when the column's value, as text, equals this.
    public var equals: String?
    /// Refuse when the column's text is longer than this.
    public var longerThan: Int?
    /// The error message; a Dataverse-like default otherwise.
    public var message: String?

    public init(entity: String, field: String, equals: String? = nil, longerThan: Int? = nil, message: String? = nil) {
        self.entity = entity
        self.field = field
        self.equals = equals
        self.longerThan = longerThan
        self.message = message
    }

    /// Problems with the rule against the tables, empty when valid.
    func problems(tables: [String: DynamicsTable]) -> [String] {
        guard let table = tables[entity] else { return ["unknown entity set '\(entity)'"] }
        var problems: [String] = []
        if table.definition.fieldIndex[field] == nil { problems.append("unknown field '\(field)' on '\(entity)'") }
        if (equals == nil) == (longerThan == nil) { problems.append("rule on '\(entity).\(field)' needs exactly one of equals, longerThan") }
        if let longerThan, longerThan < 0 { problems.append("longerThan must not be negative") }
        return problems
    }

    /// The refusal for this record, if the rule matches it.
    func violation(_ record: DynamicsRecord, definition: DynamicsEntityDefinition) -> DynamicsError? {
        guard definition.entitySetName == entity, let index = definition.fieldIndex[field] else { return nil }
        guard let text = Self.text(record[index]) else { return nil }
        if let equals, text == equals {
            return .validation(message ?? "A validation error occurred. The value '\(text)' of the '\(field)' attribute of the '\(definition.logicalName)' entity is not allowed.")
        }
        if let longerThan, text.count > longerThan {
            return .validation(message ?? "A validation error occurred. The length of the '\(field)' attribute of the '\(definition.logicalName)' entity exceeded the maximum allowed length of '\(longerThan)'.")
        }
        return nil
    }

    private static func text(_ value: DynamicsValue) -> String? {
        switch value {
        case .null: nil
        case .string(let text): text
        case .integer(let number): String(number)
        case .decimal(let number): String(number)
        case .boolean(let flag): flag ? "true" : "false"
        case .guid(let id): id.dynamicsString
        case .lookup(let lookup): lookup.id.dynamicsString
        case .dateTime(let ms): DynamicsDateTime.format(milliseconds: ms)
        case .date(let days): DynamicsDateTime.format(days: days)
        }
    }
}
