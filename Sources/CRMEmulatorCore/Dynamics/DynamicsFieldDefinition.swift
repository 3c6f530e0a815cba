/// The column types the emulator models, with Dataverse's attribute type names.
public enum DynamicsFieldType: Sendable, Equatable {
    case string(maxLength: Int)
    case memo(maxLength: Int)
    case integer
    /// `BigInt` (`versionnumber`, the row version every write moves).
    case bigInt
    case decimal
    case money
    case boolean(trueLabel: String, falseLabel: String)
    case dateTime
    case dateOnly
    case uniqueIdentifier
    /// Choice columns (`Picklist`, `State`, `Status`): value → label.
    case picklist(kind: String, options: [Int: String])
    /// A lookup to one of the given tables (logical names).
    case lookup(targets: [String])

    /// The metadata `AttributeType` name.
    var attributeType: String {
        switch self {
        case .string: "String"
        case .memo: "Memo"
        case .integer: "Integer"
        case .bigInt: "BigInt"
        case .decimal: "Decimal"
        case .money: "Money"
        case .boolean: "Boolean"
        case .dateTime, .dateOnly: "DateTime"
        case .uniqueIdentifier: "Uniqueidentifier"
        case .picklist(let kind, _): kind
        case .lookup(let targets): targets.count > 1 ? "Customer" : "Lookup"
        }
    }

    /// The OData primitive type, used in error messages.
    var edmType: String {
        switch self {
        case .string, .memo: "Edm.String"
        case .integer, .picklist: "Edm.Int32"
        case .bigInt: "Edm.Int64"
        case .decimal, .money: "Edm.Decimal"
        case .boolean: "Edm.Boolean"
        case .dateTime: "Edm.DateTimeOffset"
        case .dateOnly: "Edm.Date"
        case .uniqueIdentifier, .lookup: "Edm.Guid"
        }
    }

    var maxLength: Int? {
        switch self {
        case .string(let length), .memo(let length): length
        default: nil
        }
    }

    static let yesNo = DynamicsFieldType.boolean(trueLabel: "Yes", falseLabel: "No")
    static func string(_ maxLength: Int) -> DynamicsFieldType { .string(maxLength: maxLength) }
}

/// One column of a table. Lookup columns are named by their logical name
/// (`parentcustomerid`) and read as `_parentcustomerid_value`.
public struct DynamicsFieldDefinition: Sendable, Equatable {
    public var name: String
    public var type: DynamicsFieldType
    /// Set by the platform (`fullname`, `createdon`, `modifiedon`): ignored in write bodies.
    public var isReadOnly: Bool
    /// Documented as required (`lastname`). Dataverse enforces "application required"
    /// only in forms, not in the Web API, so the emulator reports it in metadata only.
    public var isRequired: Bool
    /// The value a created row gets when the body does not set the column.
    public var defaultValue: DynamicsValue

    public init(
        _ name: String, _ type: DynamicsFieldType, readOnly: Bool = false, required: Bool = false,
        default defaultValue: DynamicsValue? = nil
    ) {
        self.name = name
        self.type = type
        self.isReadOnly = readOnly
        self.isRequired = required
        if let defaultValue {
            self.defaultValue = defaultValue
        } else if case .boolean = type {
            self.defaultValue = .boolean(false)
        } else {
            self.defaultValue = .null
        }
    }

    var isLookup: Bool {
        if case .lookup = type { return true }
        return false
    }

    /// The property name on the wire: `_x_value` for lookups.
    var wireName: String { isLookup ? "_\(name)_value" : name }
}
