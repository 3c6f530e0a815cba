import CoreValues
import Foundation
import Hummingbird

extension DynamicsEmulator {
    /// `POST /{tenant}/oauth2/v2.0/token`, form-encoded client-credentials grant.
    func token(_ request: Request, context: EmulatorContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 16)
        var form: [String: String] = [:]
        for (name, value) in FormDecoding.decode(String(buffer: body)) { form[name] = value }  // the last value wins
        let tenant = context.parameters.get("tenant") ?? "common"
        let answer = tokens.issue(tenant: tenant, organization: request.head.authority ?? "localhost", form: form)
        return try jsonResponse(answer.body, status: HTTPResponse.Status(code: answer.status), headers: [.cacheControl: "no-store, no-cache"])
    }

    /// Every `/api/data/v9.2/…` call: bearer token, service protection, then the engine.
    func webAPI(_ request: Request, context: EmulatorContext) async throws -> Response {
        let authority = request.head.authority ?? "localhost"
        guard let client = tokens.client(authorization: request.headers[.authorization], organization: authority) else {
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = "Bearer authorization_uri=https://login.microsoftonline.com/common/oauth2/authorize, resource_id=http://\(authority)/"
            return Response(status: .unauthorized, headers: headers)
        }
        let now = CivilCalendar.nowWholeSeconds()
        let admission: DynamicsServiceProtection.Admission
        switch protection.admit(client: client) {
        case .success(let admitted): admission = admitted
        case .failure(let refusal):
            logger.debug("dynamics request throttled", metadata: ["code": "\(refusal.code)", "path": "\(request.uri.path)"])
            return DynamicsWebResponse(error: refusal).response
        }
        // Charged when the answer is ready (below), or here when the request ends early.
        defer { protection.finish(admission) }
        let body = try await request.body.collect(upTo: Self.maximumBodyBytes)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let (path, _) = DynamicsWebRequest.split(target: request.uri.path)
        let webRequest = DynamicsWebRequest(
            method: request.method, path: path, query: DynamicsQueryOption.parse(request.uri.query), headers: headers,
            body: Array(buffer: body), serviceRoot: "http://\(authority)/api/data/v9.2/")
        var answer: DynamicsWebResponse
        var written = 0
        if path == "$batch" {
            (answer, written) = batch(webRequest, admission: admission, now: now)
        } else if let (set, message) = DynamicsBulkMessage.match(path) {
            (answer, written) = organization.withLock { message.execute(set: set, request: webRequest, in: &$0, now: now) }
        } else {
            let outcome = organization.withLock { DynamicsEngine.execute(webRequest, in: &$0, now: now) }
            answer = outcome.finished
        }
        if answer.status.code >= 400 {
            logger.debug("dynamics request refused", metadata: ["status": "\(answer.status.code)", "method": "\(request.method)", "path": "\(request.uri.path)"])
        }
        let limits = protection.limits
        if limits.millisecondsPerRecord > 0, written > 0 {
            // The real service's execution time grows with the records a call writes.
            try await Task.sleep(for: .microseconds(Int64(limits.millisecondsPerRecord * 1000 * Double(written))))
        }
        // The time left counts this request's own time (docs/emulator.md).
        protection.finish(admission)
        answer.headers += protection.remaining(client: client)
        if limits.degreeOfParallelismHint > 0 { answer.headers.append(("x-ms-dop-hint", String(limits.degreeOfParallelismHint))) }
        return answer.response
    }

    /// The `$batch` answer and how many operations it ran (its execution cost).
    private func batch(_ request: DynamicsWebRequest, admission: DynamicsServiceProtection.Admission, now: Int64) -> (DynamicsWebResponse, Int) {
        guard request.method == .post else {
            return (DynamicsWebResponse(error: DynamicsError(.methodNotAllowed, code: "0x80060888", "$batch accepts only POST.")), 0)
        }
        do throws(DynamicsError) {
            let preferences = try DynamicsPreferences(header: request.header("prefer"))
            let batch = try DynamicsBatchRequest(body: request.body, contentType: request.header("content-type"), serviceRoot: request.serviceRoot)
            guard batch.operationCount <= configuration.maximumBatchOperations else {
                throw DynamicsError(.badRequest, code: "0x80060888", "Number of requests in a batch exceeded the limit of \(configuration.maximumBatchOperations).")
            }
            protection.addOperations(admission, batch.operationCount - 1)
            return (DynamicsBatchExecutor.run(batch, continueOnError: preferences.continueOnError, organization: organization), batch.operationCount)
        } catch {
            return (DynamicsWebResponse(error: error), 0)
        }
    }
}
