import Foundation

/// A JSON value as read from a write body (not on the hot path).
enum DynamicsJSONValue: Decodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([DynamicsJSONValue])
    case object([String: DynamicsJSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Int.self) {
            self = .integer(number)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let array = try? container.decode([DynamicsJSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: DynamicsJSONValue].self))
        }
    }

    /// Parses a request body that must be one JSON object.
    static func object(from bytes: [UInt8]) -> [String: DynamicsJSONValue]? {
        guard let value = try? JSONDecoder().decode(DynamicsJSONValue.self, from: Data(bytes)),
              case .object(let object) = value else { return nil }
        return object
    }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "Edm.Boolean"
        case .integer: "Edm.Int32"
        case .number: "Edm.Decimal"
        case .string: "Edm.String"
        case .array: "Collection"
        case .object: "Object"
        }
    }
}
