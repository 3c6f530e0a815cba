import CoreValues
import Foundation

/// JSON answers of a CRM turned into dictionaries and `FieldValue`s. Built on
/// `JSONSerialization` (fast enough for 5000-record pages); every shape the connector
/// does not expect becomes a `CRMJSON.Problem`, never a trap.
enum CRMJSON {
    /// Why a body is not what the CRM documents; the text never quotes the body.
    struct Problem: Error, Sendable, CustomStringConvertible {
        var description: String
        /// The body is cut or corrupt (not JSON at all): sending again may help. A body
        /// that is JSON of the wrong shape would come back the same.
        var isTransient = false
    }

    /// The top-level JSON object of `body`.
    static func object(_ body: [UInt8]) throws(Problem) -> [String: Any] {
        guard !body.isEmpty else { throw Problem(description: "the answer has an empty body", isTransient: true) }
        let parsed: Any
        do {
            parsed = try body.withUnsafeBufferPointer { buffer in
                try JSONSerialization.jsonObject(with: Data(buffer: buffer), options: [])
            }
        } catch {
            throw Problem(description: "the answer is not valid JSON (\(body.count) bytes, truncated or corrupt)", isTransient: true)
        }
        guard let object = parsed as? [String: Any] else {
            throw Problem(description: "the answer is JSON but not an object")
        }
        return object
    }

    /// The top-level JSON value of `body`, or nil when it is not JSON.
    static func anyValue(_ body: [UInt8]) -> Any? {
        guard !body.isEmpty else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(body), options: [])
    }

    /// An array of objects under `key`.
    static func objects(_ object: [String: Any], _ key: String) throws(Problem) -> [[String: Any]] {
        guard let value = object[key] else { throw Problem(description: "the answer has no '\(key)' member") }
        guard let array = value as? [Any] else { throw Problem(description: "'\(key)' is not an array") }
        var result: [[String: Any]] = []
        result.reserveCapacity(array.count)
        for (index, element) in array.enumerated() {
            guard let record = element as? [String: Any] else {
                throw Problem(description: "'\(key)' element \(index) is not an object")
            }
            result.append(record)
        }
        return result
    }

    /// An optional string member; a present non-string, non-null value is a problem.
    static func optionalString(_ object: [String: Any], _ key: String) throws(Problem) -> String? {
        switch object[key] {
        case nil, is NSNull: return nil
        case let text as String: return text
        default: throw Problem(description: "'\(key)' is not a string")
        }
    }

    private static let booleanType = ObjectIdentifier(type(of: NSNumber(value: true)))

    /// A scalar JSON value as a `FieldValue`. Nested objects and arrays are kept as their
    /// JSON text (callers flatten the objects they know, such as Salesforce relationships).
    static func fieldValue(_ value: Any) -> FieldValue {
        switch value {
        case let text as String:
            return .string(text)
        case is NSNull:
            return .null
        case let number as NSNumber:
            if ObjectIdentifier(type(of: number)) == booleanType { return .bool(number.boolValue) }
            return .number(jsonNumber(number))
        default:
            guard JSONSerialization.isValidJSONObject(value),
                  let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
            else { return .null }
            return .string(String(decoding: data, as: UTF8.self))
        }
    }

    private static func jsonNumber(_ number: NSNumber) -> JSONNumber {
        switch UInt8(bitPattern: number.objCType.pointee) {
        case UInt8(ascii: "d"), UInt8(ascii: "f"):
            let double = number.doubleValue
            if double.rounded() == double, abs(double) < 1e15 { return JSONNumber(Int64(double)) }
            return JSONNumber(double) ?? JSONNumber(unchecked: "0")
        default:
            return JSONNumber(unchecked: number.stringValue)
        }
    }
}
