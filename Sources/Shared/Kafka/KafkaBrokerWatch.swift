import Dispatch
import Foundation
import Logging
import Synchronization

/// Follows whether one Kafka client reaches any broker. librdkafka says when every broker
/// it knows is down (`_ALL_BROKERS_DOWN`, reported to `allBrokersDown`) but never when one
/// is back: from then on a thread of the watch tries a metadata request (`probe`) every
/// `probeInterval` until one succeeds, which reports `.restored`. Nothing runs while the
/// cluster is reachable.
///
/// The decisions are a state machine (`StateMachine`, tested alone); the handler is called
/// under the watch's lock, so the changes it sees are in order.
final class KafkaBrokerWatch: Sendable {
    /// Asks the cluster for metadata, waiting at most the given time: true when a broker
    /// answered; nil when the client is gone.
    typealias Probe = @Sendable (Duration) -> Bool?

    struct StateMachine: Equatable {
        enum State: Equatable {
            case reachable
            case allDown
            case closed
        }

        enum Action: Equatable {
            /// Report this change to the handler.
            case report(KafkaConnectivity)
            /// Report the outage and start the probing thread.
            case reportAndProbe(KafkaConnectivity)
            case none
        }

        private(set) var state = State.reachable

        /// librdkafka reported every broker down; repeats during an outage change nothing.
        mutating func allBrokersDown(_ detail: String) -> Action {
            guard state == .reachable else { return .none }
            state = .allDown
            return .reportAndProbe(.allBrokersDown(detail))
        }

        /// A probe got an answer: the outage is over (unless the watch was closed meanwhile).
        mutating func probeAnswered() -> Action {
            guard state == .allDown else { return .none }
            state = .reachable
            return .report(.restored)
        }

        /// Whether the probing thread goes on after a failed probe.
        var keepsProbing: Bool { state == .allDown }

        mutating func close() -> Action {
            guard state != .closed else { return .none }
            state = .closed
            return .report(.closed)
        }
    }

    let probeInterval: Duration
    let probeTimeout: Duration
    private let handler: KafkaConnectivityHandler
    private let logger: Logger
    private let machine = Mutex(StateMachine())
    private let probe = Mutex<Probe?>(nil)
    /// Signalled by `close`, so a probing thread between two probes stops at once.
    private let wakeup = DispatchSemaphore(value: 0)

    init(
        handler: @escaping KafkaConnectivityHandler, logger: Logger,
        probeInterval: Duration = .seconds(1), probeTimeout: Duration = .seconds(1)
    ) {
        self.handler = handler
        self.logger = logger
        self.probeInterval = probeInterval
        self.probeTimeout = probeTimeout
    }

    /// How to ask the cluster; set by the client once it exists (it captures it weakly).
    func attach(probe: @escaping Probe) {
        self.probe.withLock { $0 = probe }
    }

    /// librdkafka's `_ALL_BROKERS_DOWN`, on whichever of its threads reported it.
    func allBrokersDown(_ detail: String) {
        let startProbing = machine.withLock { machine -> Bool in
            let action = machine.allBrokersDown(detail)
            perform(action)
            if case .reportAndProbe = action { return true }
            return false
        }
        guard startProbing else { return }
        logger.warning("every Kafka broker is down (\(detail)); not ready until one answers")
        let thread = Thread { [self] in probeUntilAnswered() }
        thread.name = "kafka-broker-probe"
        thread.start()
    }

    /// The client closes: reports `.closed` once and stops probing.
    func close() {
        machine.withLock { perform($0.close()) }
        probe.withLock { $0 = nil }
        wakeup.signal()
    }

    private func probeUntilAnswered() {
        while machine.withLock({ $0.keepsProbing }) {
            let started = ContinuousClock.now
            guard let ask = probe.withLock({ $0 }), let answered = ask(probeTimeout) else { return }
            if answered {
                let restored = machine.withLock { machine -> Bool in
                    let action = machine.probeAnswered()
                    perform(action)
                    return action != .none
                }
                if restored { logger.notice("a Kafka broker answers again") }
                return
            }
            let rest = probeInterval - (ContinuousClock.now - started)
            if rest > .zero {
                _ = wakeup.wait(timeout: .now() + .nanoseconds(Int(rest.components.seconds) * 1_000_000_000
                    + Int(rest.components.attoseconds / 1_000_000_000)))
            }
        }
    }

    /// Called under the lock, so the handler sees the changes in the order they happened.
    private func perform(_ action: StateMachine.Action) {
        switch action {
        case .report(let change), .reportAndProbe(let change): handler(change)
        case .none: break
        }
    }
}
