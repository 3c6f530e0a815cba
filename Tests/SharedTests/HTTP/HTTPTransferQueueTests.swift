@testable import HTTPBridge
import Testing

/// The transfer loop's state machine, without libcurl or threads.
@Suite struct HTTPTransferQueueTests {
    typealias Queue = CurlTransferQueue<String>
    let now = ContinuousClock.now

    @Test func enqueuedJobsStartInOrderUpToTheCapacity() {
        var queue = Queue()
        for name in ["a", "b", "c"] {
            let id = queue.register()
            guard case .wakeLoop = queue.enqueue(id, job: name, deadline: now + .seconds(60)) else {
                Issue.record("enqueue of \(name) did not ask to wake the loop")
                return
            }
        }
        let first = queue.takeWork(capacity: 2, now: now)
        #expect(first.start.map(\.job) == ["a", "b"])
        #expect(first.nextDeadline == now + .seconds(60))
        let second = queue.takeWork(capacity: 5, now: now)
        #expect(second.start.map(\.job) == ["c"])
        #expect(second.nextDeadline == nil)
    }

    @Test func cancelBeforeEnqueueFailsTheJobAtEnqueue() {
        var queue = Queue()
        let id = queue.register()
        guard case .none = queue.cancel(id) else {
            Issue.record("an early cancel has nothing to fail yet")
            return
        }
        guard case .fail(let job, .cancelled) = queue.enqueue(id, job: "a", deadline: now + .seconds(1)) else {
            Issue.record("enqueue after cancel must fail with .cancelled")
            return
        }
        #expect(job == "a")
        #expect(queue.count == 0)
        let work = queue.takeWork(capacity: 1, now: now)
        #expect(work.start.isEmpty)
    }

    @Test func cancelOfAWaitingJobFailsItAtOnce() {
        var queue = Queue()
        let id = queue.register()
        _ = queue.enqueue(id, job: "a", deadline: now + .seconds(1))
        guard case .fail(let job) = queue.cancel(id) else {
            Issue.record("cancel of a waiting job must fail it")
            return
        }
        #expect(job == "a")
        let work = queue.takeWork(capacity: 1, now: now)
        #expect(work.start.isEmpty)
        #expect(queue.count == 0)
    }

    @Test func cancelOfARunningJobIsHandedToTheLoopOnce() {
        var queue = Queue()
        let id = queue.register()
        _ = queue.enqueue(id, job: "a", deadline: now + .seconds(1))
        let started = queue.takeWork(capacity: 1, now: now)
        #expect(started.start.map(\.id) == [id])
        guard case .wakeLoop = queue.cancel(id) else {
            Issue.record("cancel of a running job must wake the loop")
            return
        }
        let first = queue.takeWork(capacity: 0, now: now)
        let second = queue.takeWork(capacity: 0, now: now)
        #expect(first.cancel == [id])
        #expect(second.cancel.isEmpty)
        queue.finished(id)
        guard case .none = queue.cancel(id) else {
            Issue.record("cancel after finish must do nothing")
            return
        }
        #expect(queue.count == 0)
    }

    @Test func waitingJobsPastTheirDeadlineExpire() {
        var queue = Queue()
        let early = queue.register()
        _ = queue.enqueue(early, job: "early", deadline: now + .milliseconds(10))
        let late = queue.register()
        _ = queue.enqueue(late, job: "late", deadline: now + .seconds(10))
        let work = queue.takeWork(capacity: 0, now: now + .milliseconds(20))
        #expect(work.expired == ["early"])
        #expect(work.start.isEmpty)
        #expect(work.nextDeadline == now + .seconds(10))
    }

    @Test func shutdownAbandonsWaitingJobsAndRefusesNewOnes() {
        var queue = Queue()
        let id = queue.register()
        _ = queue.enqueue(id, job: "waiting", deadline: now + .seconds(10))
        let firstShutdown = queue.shutdown()
        let secondShutdown = queue.shutdown()
        #expect(firstShutdown)
        #expect(!secondShutdown)
        let work = queue.takeWork(capacity: 4, now: now)
        #expect(work.shutdown)
        #expect(work.abandoned == ["waiting"])
        #expect(work.start.isEmpty)
        let next = queue.register()
        guard case .fail(_, .shutdown) = queue.enqueue(next, job: "new", deadline: now + .seconds(1)) else {
            Issue.record("enqueue after shutdown must fail with .shutdown")
            return
        }
    }
}
