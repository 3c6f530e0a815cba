/// Why bytes are not a valid envelope. The message says what is wrong and where; it
/// names fields but never repeats field values (they may be personal data).
public struct EnvelopeError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The bytes are not well-formed JSON (or not UTF-8).
        case notJSON
        /// Valid JSON, but not an object at the top level.
        case notAnObject
        case missingField
        case unknownField
        case duplicateField
        /// A field of the envelope has the wrong JSON type.
        case wrongType
        case unsupportedSchema
        case unknownOperation
        case unknownSystem
        case badModifiedAt
        /// `entity` or `id` is an empty string.
        case emptyValue
        /// A record field holds an object or an array.
        case nestedFieldValue
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A bad envelope stays bad: it is rejected, never retried.
    public var isRetriable: Bool { false }

    public var description: String { "invalid envelope: \(message)" }
}
