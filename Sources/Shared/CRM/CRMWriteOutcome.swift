/// What a CRM answered for one record of a write call.
public enum CRMWriteOutcome: Sendable, Equatable {
    /// The CRM holds the record (created or updated).
    case written
    /// The CRM refused this record for good (validation, missing contact, duplicate):
    /// a reject with the CRM's own code (`0x80040217`, `INVALID_CROSS_REFERENCE_KEY`)
    /// and message. Sending it again would be refused again.
    case rejected(code: String, message: String)

    public var isWritten: Bool { self == .written }
}
