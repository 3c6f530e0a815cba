/// A secret (client secret, database URL with a password, SASL password) read from the
/// environment. Its description, debug description and mirror are `***`, so printing,
/// logging or `dump`-ing a config never shows it. It stays a `Secret` down to the bridge
/// call that uses it (`rd_kafka_conf_set`, `PQconnectdbParams`), where `reveal()` is
/// called. It is deliberately not `Codable`: a type holding one cannot be encoded to JSON
/// by accident.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String

    public init(_ value: String) {
        self.value = value
    }

    /// The secret itself, for the one place that sends it (token request, connection).
    public func reveal() -> String {
        value
    }

    public var description: String { "***" }
    public var debugDescription: String { "***" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
