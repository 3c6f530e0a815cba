/// The type of a field, as `describe` names it and SOQL compares it.
enum SalesforceFieldType: Sendable, Equatable {
    case id
    /// A lookup to records of the given objects.
    case reference(to: [String])
    case string
    case email
    case phone
    case url
    case textArea
    case picklist
    case boolean
    case integer
    case double
    case currency
    case percent
    case date
    case dateTime

    /// How SOQL compares values of this type.
    var kind: SOQLValueKind {
        switch self {
        case .id, .reference: .id
        case .string, .email, .phone, .url, .textArea, .picklist: .text
        case .boolean: .boolean
        case .integer, .double, .currency, .percent: .number
        case .date: .date
        case .dateTime: .dateTime
        }
    }

    /// The `type` of a describe answer.
    var describeName: String {
        switch self {
        case .id: "id"
        case .reference: "reference"
        case .string: "string"
        case .email: "email"
        case .phone: "phone"
        case .url: "url"
        case .textArea: "textarea"
        case .picklist: "picklist"
        case .boolean: "boolean"
        case .integer: "int"
        case .double: "double"
        case .currency: "currency"
        case .percent: "percent"
        case .date: "date"
        case .dateTime: "datetime"
        }
    }
}
