/// Kafka header names carried by every envelope message (SPEC §4).
public enum EnvelopeHeaders {
    /// The version of the workflow configuration the producing role ran with.
    public static let configVersion = "crmbridge-config-version"
    /// A trace id that follows a record from its source to its target.
    public static let traceID = "crmbridge-trace-id"
    /// The instance (host and process) of the role that published the record: with one
    /// active reader per workflow, who published what is always one instance at a time.
    public static let instance = "crmbridge-instance"
}
