/// Kafka header names carried by every envelope message (SPEC §4).
public enum EnvelopeHeaders {
    /// The version of the workflow configuration the producing role ran with.
    public static let configVersion = "crmbridge-config-version"
    /// A trace id that follows a record from its source to its target.
    public static let traceID = "crmbridge-trace-id"
}
