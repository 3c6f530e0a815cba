import CCurl
import Foundation
import Logging
import Synchronization

/// One request waiting for, or running in, the loop; resumed exactly once.
struct CurlTransferJob: Sendable {
    let request: HTTPRequest
    let continuation: CheckedContinuation<HTTPResponse, any Error>

    func succeed(_ response: HTTPResponse) { continuation.resume(returning: response) }
    func fail(_ error: any Error) { continuation.resume(throwing: error) }
}

/// Drives every transfer of one `HTTPClient` through ONE libcurl multi handle on
/// ONE dedicated thread (curl_multi_perform / info_read / poll). Requests arrive
/// through a lock-protected `CurlTransferQueue` and `curl_multi_wakeup`; results
/// go back through continuations. No thread per request, no blocking call on the
/// Swift cooperative pool.
///
/// Thread confinement: `multi` (except `wakeup`), `running` and `pool` belong to
/// the loop thread; `queue` is behind its `Mutex`.
final class CurlTransferLoop: @unchecked Sendable {
    private struct Running {
        let id: CurlTransferQueue<CurlTransferJob>.ID
        let easy: CurlEasyHandle
        let job: CurlTransferJob
    }

    private let configuration: HTTPClient.Configuration
    private let logger: Logger
    private let queue = Mutex(CurlTransferQueue<CurlTransferJob>())
    private let multi: CurlMultiHandle?
    private var running: [UnsafeMutableRawPointer: Running] = [:]
    private var pool: [CurlEasyHandle] = []

    init(configuration: HTTPClient.Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        multi = CurlMultiHandle(
            maxConnectionsPerHost: configuration.maxConnectionsPerHost,
            maxTotalConnections: max(configuration.maxConcurrentRequests, configuration.maxConnectionsPerHost),
            maxIdleConnections: configuration.maxIdleConnections)
        guard multi != nil else {
            logger.error("libcurl could not create a multi handle; every request will fail")
            _ = queue.withLock { $0.shutdown() }
            return
        }
        let thread = Thread { [self] in run() }
        thread.name = "crm-bridge.http"
        thread.start()
    }

    func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        if let invalid = request.validationError() { throw invalid }
        try Task.checkCancellation()
        let deadline = ContinuousClock.now.advanced(by: request.timeout)
        let id = queue.withLock { $0.register() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let job = CurlTransferJob(request: request, continuation: continuation)
                let action = queue.withLock { queue in
                    let action = queue.enqueue(id, job: job, deadline: deadline)
                    if case .wakeLoop = action { multi?.wakeup() }
                    return action
                }
                if case .fail(let job, let failure) = action {
                    job.fail(failure == .cancelled ? CancellationError() : shutdownError(request))
                }
            }
        } onCancel: {
            let action = queue.withLock { queue in
                let action = queue.cancel(id)
                if case .wakeLoop = action { multi?.wakeup() }
                return action
            }
            if case .fail(let job) = action { job.fail(CancellationError()) }
        }
    }

    /// Fails waiting and running requests and stops the thread. Idempotent.
    func shutdown() {
        queue.withLock { queue in
            if queue.shutdown() { multi?.wakeup() }
        }
    }

    // MARK: The loop thread

    private func run() {
        guard let multi else { return }
        logger.debug("HTTP transfer loop started")
        while true {
            let capacity = max(0, configuration.maxConcurrentRequests - running.count)
            let work = queue.withLock { $0.takeWork(capacity: capacity, now: .now) }
            for job in work.expired {
                job.fail(HTTPError(.timeout, request: job.request, message: "no free transfer slot before the timeout"))
            }
            for id in work.cancel {
                guard let entry = running.first(where: { $0.value.id == id }) else { continue }
                end(entry.value, multi: multi, with: .failure(CancellationError()))
            }
            if work.shutdown {
                for entry in running.values {
                    end(entry, multi: multi, with: .failure(shutdownError(entry.job.request)))
                }
                for job in work.abandoned { job.fail(shutdownError(job.request)) }
                break
            }
            for item in work.start {
                start(item.id, item.job, deadline: item.deadline, multi: multi)
            }
            multi.perform()
            while let done = multi.nextCompleted() {
                guard let entry = running[done.easy] else { continue }
                let outcome = entry.easy.outcome(done.result, for: entry.job.request)
                if case .failure(let error) = outcome {
                    logger.debug("HTTP transfer failed", metadata: ["error": "\(error)"])
                }
                end(entry, multi: multi, with: outcome.mapError { $0 })
            }
            var waitMs = 1000
            if let next = work.nextDeadline {
                waitMs = min(waitMs, CurlMilliseconds.of(next - .now))
            }
            multi.poll(milliseconds: waitMs)
        }
        pool.removeAll()
        multi.close()
        logger.debug("HTTP transfer loop stopped")
    }

    private func start(
        _ id: CurlTransferQueue<CurlTransferJob>.ID, _ job: CurlTransferJob,
        deadline: ContinuousClock.Instant, multi: CurlMultiHandle
    ) {
        let fail = { (error: HTTPError) in
            self.queue.withLock { $0.finished(id) }
            job.fail(error)
        }
        guard let easy = pool.popLast() ?? CurlEasyHandle() else {
            return fail(HTTPError(.other, request: job.request, message: "libcurl could not create an easy handle"))
        }
        if let error = easy.prepare(job.request, timeout: deadline - .now, configuration: configuration) {
            recycle(easy)
            return fail(error)
        }
        if let message = multi.add(easy) {
            recycle(easy)
            return fail(HTTPError(.other, request: job.request, message: message))
        }
        running[easy.pointer] = Running(id: id, easy: easy, job: job)
    }

    private func end(_ entry: Running, multi: CurlMultiHandle, with outcome: Result<HTTPResponse, any Error>) {
        running[entry.easy.pointer] = nil
        multi.remove(entry.easy)
        recycle(entry.easy)
        queue.withLock { $0.finished(entry.id) }
        switch outcome {
        case .success(let response): entry.job.succeed(response)
        case .failure(let error): entry.job.fail(error)
        }
    }

    private func recycle(_ easy: CurlEasyHandle) {
        easy.reset()
        if pool.count < configuration.easyHandlePoolSize { pool.append(easy) }
    }

    private func shutdownError(_ request: HTTPRequest) -> HTTPError {
        HTTPError(.clientShutdown, request: request, message: "the HTTP client was shut down")
    }
}
