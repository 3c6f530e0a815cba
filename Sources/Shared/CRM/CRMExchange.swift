import HTTPBridge
import Logging

/// Sends one logical call to a CRM and decodes its answer, retrying what is worth
/// retrying: transport failures, 429/502/503/504 (honouring `Retry-After`), a 500 to a
/// read or a token request (`CRMRetryPolicy.repeatsServerErrors`), answers that
/// do not decode (truncated bodies) when the call is safe to repeat, and one 401 by
/// refreshing the token. Never loops: every path is bounded by `CRMRetryPolicy`.
struct CRMExchange: Sendable {
    let system: String
    let http: HTTPClient
    let retry: CRMRetryPolicy
    /// Whole-request timeout of each send.
    let timeout: Duration
    let logger: Logger
    /// Told of every retry before its pause (a role counts and shows them); nil for none.
    var onRetry: CRMRetryObserver? = nil
    /// Told about each send and its outcome (a reader's "CRM not answering" reason).
    var observer: (any CRMCallObserver)? = nil
    /// The process's budget for this CRM user: every authenticated call waits for it
    /// (token requests do not: they spend no API budget).
    var limiter: CRMBudgetLimiter? = nil

    /// One call. `build` makes the request for the current token (nil when `tokens` is
    /// nil); `decode` reads a 2xx answer. `idempotent` calls are re-sent after a
    /// truncated or corrupt answer; an answer of the wrong shape, or any bad answer to
    /// another call, fails with `.malformedResponse`. `outcomeUnknown` hears of each send
    /// the CRM may have carried out without its answer arriving (a transport failure, a
    /// 5xx, an answer that does not decode), before it is sent again.
    func perform<Value>(
        _ operation: String,
        tokens: OAuthTokenProvider?,
        idempotent: Bool = true,
        weight: Int = 1,
        build: (OAuthToken?) throws -> HTTPRequest,
        decode: (HTTPResponse) throws(CRMJSON.Problem) -> Value,
        outcomeUnknown: () -> Void = {}
    ) async throws -> Value {
        var attempt = 0
        var refreshedToken = false
        while true {
            attempt += 1
            let token = try await tokens?.token()
            var request = try build(token)
            request.timeout = timeout
            if let token { request.headers.replace("Authorization", "Bearer " + token.accessToken) }

            let response: HTTPResponse
            let permit = tokens == nil ? nil : try await limiter?.acquire(weight: weight, holding: { reason in holdingBack(operation, reason) })
            observer?.callStarted()
            do {
                response = try await http.execute(request)
            } catch let error as HTTPError {
                if let permit { limiter?.finish(permit, status: nil, headers: nil) }
                observer?.callFailed(error.description)
                outcomeUnknown()
                guard error.isRetriable, attempt < retry.maxAttempts else {
                    throw CRMError(
                        system: system, code: .transport, operation: operation,
                        message: error.description + attemptsNote(attempt), isRetriable: error.isRetriable)
                }
                try await pause(retry.backoff(afterAttempt: attempt), operation, attempt, reason: error.code.rawValue)
                continue
            } catch {
                if let permit { limiter?.abandon(permit) }
                observer?.callAbandoned()
                throw error
            }
            if let permit {
                let asked = response.status == 429 || response.status == 503 ? retry.retryAfter(response.headers["Retry-After"]) : nil
                limiter?.finish(permit, status: response.status, headers: response.headers, retryAfter: asked, serverWait: response.serverWait)
            }
            // A 500 is no answer either; a refused request (4xx) is one, fixed elsewhere.
            if CRMError.isRetriableStatus(response.status) || response.status >= 500 {
                observer?.callFailed(remoteError(operation, response).description)
                // A 429 is refused before any work (service protection); a 5xx says nothing
                // of whether a write was applied before it failed.
                if response.status != 429 { outcomeUnknown() }
            } else if !response.isSuccess {
                // A refusal is an answer; a 2xx is one once it decodes (below).
                observer?.callAnswered()
            }

            if response.status == 401, let tokens, let token {
                // Only a fresh token refused straight away is a credentials problem; one that
                // was answered and expires later in a long retry is an expiry like the first.
                guard !refreshedToken else {
                    throw remoteError(operation, response, code: .authentication, note: " (a fresh token was refused too)")
                }
                refreshedToken = true
                // Calls in flight together were refused the same token: one refresh, told once.
                if await tokens.invalidate(token) {
                    logger.notice("CRM refused the access token; refreshing it once", metadata: metadata(operation, response.status))
                    onRetry?(CRMRetryNotice(
                        system: system, operation: operation, reason: "HTTP 401 (access token refused; refreshing it)",
                        attempt: attempt, maxAttempts: retry.maxAttempts, wait: .zero))
                }
                attempt -= 1
                continue
            }
            refreshedToken = false
            if CRMError.isRetriableStatus(response.status)
                || (response.status == 500 && CRMRetryPolicy.repeatsServerErrors(method: request.method, isTokenRequest: tokens == nil)) {
                guard attempt < retry.maxAttempts else {
                    var error = remoteError(operation, response, note: attemptsNote(attempt))
                    error.isRetriable = true
                    throw error
                }
                let wait = retry.retryAfter(response.headers["Retry-After"]) ?? retry.backoff(afterAttempt: attempt)
                try await pause(wait, operation, attempt, reason: "HTTP \(response.status)")
                continue
            }
            guard response.isSuccess else { throw remoteError(operation, response) }

            do {
                let value = try decode(response)
                observer?.callAnswered()
                return value
            } catch {
                // An answer nobody can read (an HTML error page, a JSON of another shape,
                // an empty or cut body) is no answer: the reader's status says so in time.
                observer?.callFailed("unexpected answer: \(error)")
                outcomeUnknown()
                guard idempotent, error.isTransient, attempt < retry.maxAttempts else {
                    throw CRMError(
                        system: system, code: .malformedResponse, operation: operation, status: response.status,
                        message: "unexpected answer: \(error)" + attemptsNote(attempt),
                        isRetriable: idempotent && error.isTransient)
                }
                try await pause(retry.backoff(afterAttempt: attempt), operation, attempt, reason: "unexpected answer: \(error)")
            }
        }
    }

    /// The limiter holds this call back for the daily allocation: shown like a retry
    /// (the role's status), and to the observer (a reader's status).
    private func holdingBack(_ operation: String, _ reason: String) {
        logger.notice("CRM calls held back", metadata: ["crm.operation": "\(operation)", "crm.reason": "\(reason)"])
        onRetry?(CRMRetryNotice(system: system, operation: operation, reason: reason, attempt: 0, maxAttempts: retry.maxAttempts, wait: .zero, isHoldingBack: true))
        observer?.callHeldBack(reason)
    }

    /// The `CRMError` for an error status, with the CRM's code and message when it sent one.
    func remoteError(_ operation: String, _ response: HTTPResponse, code: CRMError.Code? = nil, note: String = "") -> CRMError {
        let body = CRMErrorBody.parse(response.body)
        let text = body.map { Self.oneLine($0.message) } ?? ""
        let message = text.isEmpty
            ? "HTTP \(response.status) with a \(response.body.count)-byte body in no known error shape"
            : text
        return CRMError(
            system: system, code: code ?? CRMError.code(forStatus: response.status), operation: operation,
            status: response.status, remoteCode: body?.code, message: message + note,
            isRetriable: CRMError.isRetriableStatus(response.status) || body?.code == "REQUEST_LIMIT_EXCEEDED")
    }

    /// A CRM message on one line (SOQL errors span several), at most 1000 characters.
    static func oneLine(_ message: String) -> String {
        let words = message.split(whereSeparator: { $0.isWhitespace || $0.isNewline })
        let line = words.joined(separator: " ")
        return line.count > 1000 ? String(line.prefix(1000)) + "…" : line
    }

    private func attemptsNote(_ attempts: Int) -> String {
        attempts > 1 ? " (after \(attempts) attempts)" : ""
    }

    private func pause(_ wait: Duration, _ operation: String, _ attempt: Int, reason: String) async throws {
        var metadata: Logger.Metadata = ["crm.operation": "\(operation)", "crm.attempt": "\(attempt)", "crm.reason": "\(reason)"]
        metadata["crm.retryIn"] = "\(wait)"
        onRetry?(CRMRetryNotice(
            system: system, operation: operation, reason: reason, attempt: attempt, maxAttempts: retry.maxAttempts, wait: wait))
        logger.notice("CRM call will be retried", metadata: metadata)
        try await Task.sleep(for: wait)
    }

    private func metadata(_ operation: String, _ status: Int) -> Logger.Metadata {
        ["crm.system": "\(system)", "crm.operation": "\(operation)", "crm.status": "\(status)"]
    }
}
