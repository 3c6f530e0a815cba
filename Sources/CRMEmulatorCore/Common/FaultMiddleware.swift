import Hummingbird

/// Injects the configured faults into CRM answers, in the owning CRM's error
/// shape, and counts requests. Admin paths are never faulted.
struct FaultMiddleware: RouterMiddleware {
    typealias Context = EmulatorContext

    let crms: [any EmulatedCRM]
    let faults: FaultInjector
    let counters: RequestCounters

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard !path.hasPrefix("/admin"), let crm = crms.first(where: { $0.owns(path: path) }) else {
            return try await next(request, context)
        }
        counters.countRequest()
        let settings = faults.settings
        let latency = settings.addedLatencyMilliseconds
        if latency > 0 { try await Task.sleep(for: .milliseconds(latency)) }
        if let refusal = settings.refuseWrites, request.method != .get, !path.contains("/oauth2/") {
            counters.countFault()
            return crm.faultResponse(.refuse(refusal))
        }

        switch faults.decide() {
        case .none:
            let response = try await next(request, context)
            // Answers the service-protection limits refused (not injected faults).
            if response.status.code == 429 { counters.countThrottled() }
            if request.method != .get, !path.contains("/oauth2/"), Self.canCut(response), faults.takeWriteTruncation() {
                return cut(response)
            }
            return response
        case .truncate:
            let response = try await next(request, context)
            return Self.canCut(response) ? cut(response) : response
        case let decision:
            counters.countFault()
            return crm.faultResponse(decision)
        }
    }

    /// Only a successful answer with a body is cut: a 204 has nothing to cut and an error
    /// answer is no success, so neither is a fault, and none is counted (the count is what
    /// callers had to retry).
    private static func canCut(_ response: Response) -> Bool {
        let status = response.status.code
        return (200..<300).contains(status) && status != 204 && response.body.contentLength != 0
    }

    /// The answer with its body cut in half (the CRM did the work; its answer is lost).
    private func cut(_ response: Response) -> Response {
        var response = response
        counters.countFault()
        response.headers[.contentLength] = nil
        response.body = response.body.map { buffer in
            buffer.getSlice(at: buffer.readerIndex, length: buffer.readableBytes / 2) ?? buffer
        }
        return response
    }
}
