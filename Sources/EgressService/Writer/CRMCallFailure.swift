import CRMConnectors
import WorkflowRuntime

/// What a CRM error means for the writer, decided alone so the rule is tested alone.
///
/// A record the CRM refuses is a reject and never reaches here. An error here is about a
/// whole call: when retrying cannot fix it (the CRM refused the `$batch` or the
/// Collections call itself with a 4xx, the credentials are refused, the answer is not the
/// CRM's format) the workflow goes FAILED naming the cause, instead of sending the same
/// call forever; nothing of the batch is committed, so after the fix a Start writes it.
/// Throttling, 5xx and transport trouble that outlasted the call's retries stay
/// transient: the role is restarted with backoff and the reason shows in the status.
enum CRMCallFailure {
    static func failure(_ error: CRMError, records: Int) -> RoleFailure? {
        guard !error.isRetriable else { return nil }
        return RoleFailure(
            "the CRM refused a whole call of \(records) record(s), so none of them was written and the batch is not committed: \(error). "
                + "Fix the cause (credentials, privileges, the CRM object or its key) and press Start: the batch is written then.")
    }
}
