/// An error a role cannot recover from without an operator: bad credentials, a
/// mapped field missing on either side, a table gone. The workflow turns FAILED
/// with this message until Start is pressed again.
public struct RoleFailure: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
