/// A secret (client secret, database URL with a password) read from the environment.
/// Its description, debug description and mirror are `***`, so printing, logging or
/// `dump`-ing a config never shows it; call `reveal()` where the value is really used.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
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
