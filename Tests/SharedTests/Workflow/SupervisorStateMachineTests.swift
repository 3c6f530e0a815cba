import Foundation
import Testing
@testable import WorkflowRuntime

@Suite struct SupervisorStateMachineTests {
    typealias Machine = SupervisorStateMachine
    let first = Machine.Start(version: 1, startedAt: Date(timeIntervalSince1970: 1_800_000_000))
    let again = Machine.Start(version: 1, startedAt: Date(timeIntervalSince1970: 1_800_000_100))
    let edited = Machine.Start(version: 2, startedAt: Date(timeIntervalSince1970: 1_800_000_200))

    func running(_ start: Machine.Start) -> Machine {
        var machine = Machine()
        _ = machine.desired(.running(start))
        machine.started(start)
        return machine
    }

    @Test func aStartWithNothingRunningStartsTheWork() {
        var machine = Machine()
        let r1 = machine.desired(.running(first))
        #expect(r1 == .start(first))
        #expect(machine.beat(workIsRunning: false).state == .idle)
        machine.started(first)
        #expect(machine.beat(workIsRunning: false) == .init(state: .starting, configVersion: 1, lastError: nil, includesDetail: true))
        #expect(machine.beat(workIsRunning: true).state == .running)
    }

    @Test func theSameStartSeenAgainChangesNothing() {
        var machine = running(first)
        let r2 = machine.desired(.running(first))
        #expect(r2 == .keep)
    }

    @Test func aNewPressOrANewVersionReplacesTheRunningWork() {
        var machine = running(first)
        let r3 = machine.desired(.running(again))
        #expect(r3 == .replace(again))
        machine.stopped()
        machine.started(again)
        let r4 = machine.desired(.running(edited))
        #expect(r4 == .replace(edited))
    }

    @Test func stopStopsTheWorkAndThenThereIsNothingToStop() {
        var machine = running(first)
        let r5 = machine.desired(.stopped)
        #expect(r5 == .stop)
        machine.stopped()
        let r6 = machine.desired(.stopped)
        #expect(r6 == .keep)
        #expect(machine.beat(workIsRunning: false).state == .idle)
    }

    @Test func aRoleFailureHoldsFailedUntilStartIsPressedAgain() {
        var machine = running(first)
        let r7 = machine.workThrew(first, RoleFailure("column email is gone"), isCancelled: false)
        #expect(r7 == .fail("column email is gone"))
        #expect(machine.beat(workIsRunning: true) == .init(state: .failed, configVersion: 1, lastError: "column email is gone", includesDetail: false))
        // The ended work is stopped; the same start is not retried.
        let r8 = machine.desired(.running(first))
        #expect(r8 == .keep)
        #expect(machine.beat(workIsRunning: false).state == .failed)
        let r9 = machine.desired(.running(again))
        #expect(r9 == .replace(again))
        #expect(machine.beat(workIsRunning: false).state != .failed)
    }

    @Test func aFailedStartThatWasStoppedStaysFailedWithoutRunningAgain() {
        var machine = running(first)
        _ = machine.workThrew(first, RoleFailure("bad"), isCancelled: false)
        machine.stopped()
        let r10 = machine.desired(.running(first))
        #expect(r10 == .keep)
        #expect(machine.beat(workIsRunning: false).state == .failed)
    }

    @Test func stopClearsAFailure() {
        var machine = running(first)
        _ = machine.workThrew(first, RoleFailure("bad"), isCancelled: false)
        let r11 = machine.desired(.stopped)
        #expect(r11 == .stop)
        machine.stopped()
        #expect(machine.beat(workIsRunning: false).state == .idle)
        let r12 = machine.desired(.running(first))
        #expect(r12 == .start(first))
    }

    @Test func aTransientErrorIsRetriedAndShownUntilTheWorkStops() {
        struct Unreachable: Error, CustomStringConvertible { var description: String { "broker unreachable" } }
        var machine = running(first)
        let r13 = machine.workThrew(first, Unreachable(), isCancelled: false)
        #expect(r13 == .retry("broker unreachable"))
        #expect(machine.beat(workIsRunning: false) == .init(state: .starting, configVersion: 1, lastError: "broker unreachable", includesDetail: true))
        _ = machine.desired(.stopped)
        machine.stopped()
        #expect(machine.beat(workIsRunning: false).lastError == nil)
    }

    @Test func aTransientErrorIsNoLongerShownOnceTheWorkRunsAgain() {
        struct Unreachable: Error, CustomStringConvertible { var description: String { "broker unreachable" } }
        var machine = running(first)
        _ = machine.workThrew(first, Unreachable(), isCancelled: false)
        machine.recovered(again)
        #expect(machine.beat(workIsRunning: true).lastError == "broker unreachable", "another start's recovery changes nothing")
        machine.recovered(first)
        #expect(machine.beat(workIsRunning: true) == .init(state: .running, configVersion: 1, lastError: nil, includesDetail: true))
    }

    @Test func cancellationEndsTheWorkQuietlyWhateverItThrew() {
        var machine = running(first)
        let r14 = machine.workThrew(first, CancellationError(), isCancelled: false)
        #expect(r14 == .end)
        let r15 = machine.workThrew(first, RoleFailure("late"), isCancelled: true)
        #expect(r15 == .end)
        #expect(machine.beat(workIsRunning: true).state == .running)
    }

    @Test func aReportFromWorkThatNoLongerRunsChangesNothing() {
        var machine = running(first)
        _ = machine.desired(.running(again))
        machine.stopped()
        machine.started(again)
        let r16 = machine.workThrew(first, RoleFailure("stale"), isCancelled: false)
        #expect(r16 == .fail("stale"))
        #expect(machine.beat(workIsRunning: true).state == .running)
    }

    @Test func theRetryDelayDoublesUpToItsMaximum() {
        let delays = (1...7).map { Machine.retryDelay(afterErrors: $0, initial: .seconds(1)) }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30)])
    }
}
