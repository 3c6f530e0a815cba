/// The transfer loop's bookkeeping, free of libcurl and threads: which requests
/// wait, which run, which were cancelled, whether the client shut down.
/// Kept behind the loop's lock; every method returns what to do, and the caller
/// does it (resuming continuations, waking the loop) outside the state.
///
/// Life of a transfer: `register` → `enqueue` → (taken by `takeWork`) running →
/// `finished`. A cancel may arrive at any point, even before `enqueue`.
struct CurlTransferQueue<Job> {
    typealias ID = UInt64
    typealias Instant = ContinuousClock.Instant

    enum Failure: Equatable { case cancelled, shutdown }

    enum EnqueueAction {
        case wakeLoop
        case fail(Job, Failure)
    }

    enum CancelAction {
        case none
        /// The job was still waiting: fail it now.
        case fail(Job)
        /// The job is running: the loop must remove it from libcurl.
        case wakeLoop
    }

    struct Work {
        var start: [(id: ID, job: Job, deadline: Instant)] = []
        /// Running transfers to abort (ids the loop no longer knows are stale: ignore).
        var cancel: [ID] = []
        /// Waiting jobs whose deadline passed before a slot was free.
        var expired: [Job] = []
        var shutdown = false
        /// Waiting jobs dropped by the shutdown.
        var abandoned: [Job] = []
        /// Earliest deadline among the jobs still waiting.
        var nextDeadline: Instant?
    }

    private enum Phase {
        case registered
        case cancelledEarly
        case waiting(Job, deadline: Instant)
        case running
    }

    private var phases: [ID: Phase] = [:]
    private var waitingOrder: [ID] = []
    private var cancelRequests: [ID] = []
    private var nextID: ID = 1
    private(set) var isShutdown = false

    init() {}

    /// Number of transfers registered and not yet finished (all phases).
    var count: Int { phases.count }

    mutating func register() -> ID {
        defer { nextID += 1 }
        phases[nextID] = .registered
        return nextID
    }

    mutating func enqueue(_ id: ID, job: Job, deadline: Instant) -> EnqueueAction {
        guard case .registered = phases[id] else {
            phases[id] = nil
            return .fail(job, .cancelled)
        }
        guard !isShutdown else {
            phases[id] = nil
            return .fail(job, .shutdown)
        }
        phases[id] = .waiting(job, deadline: deadline)
        waitingOrder.append(id)
        return .wakeLoop
    }

    mutating func cancel(_ id: ID) -> CancelAction {
        switch phases[id] {
        case .registered:
            phases[id] = .cancelledEarly
            return .none
        case .waiting(let job, _):
            phases[id] = nil
            return .fail(job)
        case .running:
            cancelRequests.append(id)
            return .wakeLoop
        case .cancelledEarly, nil:
            return .none
        }
    }

    /// True when this call shut the queue down (the loop must then be woken).
    mutating func shutdown() -> Bool {
        defer { isShutdown = true }
        return !isShutdown
    }

    /// What the loop should do now, given `capacity` free transfer slots.
    mutating func takeWork(capacity: Int, now: Instant) -> Work {
        var work = Work()
        work.cancel = cancelRequests
        cancelRequests.removeAll()
        var free = capacity
        var stillWaiting: [ID] = []
        for id in waitingOrder {
            guard case .waiting(let job, let deadline) = phases[id] else { continue }
            if isShutdown {
                phases[id] = nil
                work.abandoned.append(job)
            } else if deadline <= now {
                phases[id] = nil
                work.expired.append(job)
            } else if free > 0 {
                free -= 1
                phases[id] = .running
                work.start.append((id, job, deadline))
            } else {
                stillWaiting.append(id)
                work.nextDeadline = min(work.nextDeadline ?? deadline, deadline)
            }
        }
        waitingOrder = stillWaiting
        work.shutdown = isShutdown
        return work
    }

    /// The loop is done with a running transfer (completed, failed or cancelled).
    mutating func finished(_ id: ID) {
        phases[id] = nil
    }
}
