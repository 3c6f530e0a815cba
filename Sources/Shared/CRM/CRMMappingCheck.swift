import Config
import Mapping

/// Checks crm-to-campaign entities against the CRM's own metadata: every remote object
/// exists, and so do its id, last-modified, mapped, filter and ordering fields. The
/// control service runs it on a saved configuration, the reader before its first window.
public struct CRMMappingCheck: Sendable {
    /// One thing the mapping names that the CRM does not have.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var entity: String
        public var remoteObject: String
        /// Nil when the object itself is unknown.
        public var field: String?

        public init(entity: String, remoteObject: String, field: String?) {
            self.entity = entity
            self.remoteObject = remoteObject
            self.field = field
        }

        public var description: String {
            if let field { return "entity \(entity): \(remoteObject) has no field \(field)" }
            return "entity \(entity): the CRM has no object \(remoteObject)"
        }
    }

    let metadata: any CRMMetadataSource

    public init(metadata: any CRMMetadataSource) {
        self.metadata = metadata
    }

    /// The unknown objects and fields of `entities`, empty when all exist. Throws the
    /// `CRMError` of a metadata call that failed (the CRM is unreachable, refuses the
    /// credentials…): the mapping could then not be checked.
    public func problems(_ entities: [EntityConfig]) async throws -> [Problem] {
        var problems: [Problem] = []
        var known: [String: CRMObjectFields?] = [:]
        for entity in entities {
            let fields: CRMObjectFields?
            if let cached = known[entity.remoteObject] {
                fields = cached
            } else {
                fields = try await metadata.fields(of: entity.remoteObject)
                known[entity.remoteObject] = fields
            }
            guard let fields else {
                problems.append(Problem(entity: entity.name, remoteObject: entity.remoteObject, field: nil))
                continue
            }
            for field in Self.fieldsRead(by: entity) where !fields.contains(field) {
                problems.append(Problem(entity: entity.name, remoteObject: entity.remoteObject, field: field))
            }
        }
        return problems
    }

    /// The fields an entity's reads name: id, last-modified, mapped, ordering, filter.
    /// A Salesforce relationship path (`Account.Name`) is left to the query to check.
    static func fieldsRead(by entity: EntityConfig) -> [String] {
        var seen: Set<String> = []
        // An annotation (`_x_value@Microsoft.Dynamics.CRM.lookuplogicalname`) needs its field.
        var fields = entity.remoteFields.map(CRMFieldAnnotation.field(of:)) + entity.orderBy.map(\.field)
        if let filter = entity.filter { fields += Self.fields(in: filter) }
        return fields.filter { !$0.contains(".") && seen.insert($0).inserted }
    }

    private static func fields(in filter: FilterExpression) -> [String] {
        switch filter {
        case .and(let children), .or(let children): return children.flatMap(fields(in:))
        case .not(let child): return fields(in: child)
        case .comparison(let left, _, let right): return fields(in: left) + fields(in: right)
        case .function(_, let arguments): return arguments.flatMap(fields(in:))
        }
    }

    private static func fields(in operand: FilterOperand) -> [String] {
        switch operand {
        case .field(let path): return [path.joined(separator: ".")]
        case .literal: return []
        case .function(_, let arguments): return arguments.flatMap(fields(in:))
        }
    }
}
