/// Why a value could not be converted for Campaign. The message describes the problem
/// but never repeats the value (it may be personal data); the caller adds the field.
public struct ConversionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// Shaped like a date or date-time but not a valid one.
        case badDateTime
        /// A date conversion got something that is no date at all (a number, a boolean).
        case notADate
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The same value fails the same way every time: a reject, never a retry.
    public var isRetriable: Bool { false }

    public var description: String { message }
}
