/// The names of the role metrics and their label keys, in one place: dashboards and
/// alerts are written against these, and docs/operations.md lists them.
///
/// Labels stay low-cardinality: `workflow` (three), `role` (a workflow's roles) and
/// `entity` (the entities of the workflow's configuration, never a value from a record).
public enum RoleMetricName {
    /// Counter: records read from the source (the CRM for the ingress reader).
    public static let recordsRead = "crmbridge_records_read_total"
    /// Counter: records read from the source that the broker acknowledged.
    public static let recordsPublished = "crmbridge_records_published_total"
    /// Counter: records applied to the target (upserts and deletes).
    public static let recordsWritten = "crmbridge_records_written_total"
    /// Counter: records rejected (rejects topic and `crmbridge.rejects`).
    public static let recordsRejected = "crmbridge_records_rejected_total"
    /// Counter: batches applied to the target in one transaction each.
    public static let batches = "crmbridge_batches_total"
    /// Counter: errors after which the role's work was retried.
    public static let errors = "crmbridge_errors_total"
    /// Counter: calls (or records of a batch call) sent again to the CRM (the writers' target,
    /// the readers' source) after a transient answer (429, 5xx, a cut answer, an expired
    /// token); each is bounded by the retry policy.
    public static let retries = "crmbridge_retries_total"
    /// Gauge: the writers' backlog as this role last saw it (the reader's back-pressure check).
    public static let backlog = "crmbridge_role_backlog"
    /// Histogram (seconds): from a record's last-modified time in the source to the
    /// commit of the transaction that applied it to the target.
    public static let changeLatency = "crmbridge_change_latency_seconds"
    /// Gauge: 1 while `/healthz` answers ready, else 0.
    public static let ready = "crmbridge_role_ready"
}

/// The label keys of every role metric.
public enum RoleMetricLabel {
    public static let workflow = "workflow"
    public static let role = "role"
    public static let entity = "entity"
}
