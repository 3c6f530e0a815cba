import DevBroker
import Foundation
@testable import KafkaBridge
import Logging
import Synchronization
import TestSupport
import Testing

/// Every change a connectivity handler was told, in order.
private final class ConnectivityLog: Sendable {
    private let changes = Mutex<[KafkaConnectivity]>([])
    var all: [KafkaConnectivity] { changes.withLock { $0 } }
    var last: KafkaConnectivity? { all.last }
    var handler: KafkaConnectivityHandler { { [self] change in changes.withLock { $0.append(change) } } }
}

/// How many metadata requests a probe made.
private final class ProbeCount: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    /// Counts one more; true from the `answersFrom`th on.
    func next(answersFrom: Int) -> Bool { count.withLock { $0 += 1; return $0 >= answersFrom } }
}

@Suite("A Kafka client tells when every broker is down and when one is back")
struct KafkaBrokerWatchTests {
    @Test func theStateMachineReportsAnOutageOnceAndItsEndOnce() {
        var machine = KafkaBrokerWatch.StateMachine()
        #expect(machine.probeAnswered() == .none, "nothing to restore while reachable")
        #expect(machine.allBrokersDown("1/1 brokers are down") == .reportAndProbe(.allBrokersDown("1/1 brokers are down")))
        #expect(machine.keepsProbing)
        #expect(machine.allBrokersDown("1/1 brokers are down") == .none, "librdkafka repeats it at each reconnection")
        #expect(machine.probeAnswered() == .report(.restored))
        #expect(!machine.keepsProbing)
        #expect(machine.allBrokersDown("2/2 brokers are down") == .reportAndProbe(.allBrokersDown("2/2 brokers are down")))
        #expect(machine.close() == .report(.closed))
        #expect(!machine.keepsProbing, "a closed client's probe stops")
        #expect(machine.probeAnswered() == .none)
        #expect(machine.allBrokersDown("1/1 brokers are down") == .none)
        #expect(machine.close() == .none)
    }

    @Test func theWatchProbesOnlyDuringAnOutageUntilABrokerAnswers() async throws {
        let log = ConnectivityLog()
        let probes = ProbeCount()
        let watch = KafkaBrokerWatch(handler: log.handler, logger: TestKafka.logger, probeInterval: .milliseconds(10))
        // The third metadata request gets an answer.
        watch.attach { _ in probes.next(answersFrom: 3) }
        #expect(probes.value == 0, "no probe while the cluster is reachable")
        watch.allBrokersDown("1/1 brokers are down")
        watch.allBrokersDown("1/1 brokers are down")
        try await eventually("the outage's end to be reported") { log.last == .restored }
        #expect(log.all == [.allBrokersDown("1/1 brokers are down"), .restored])
        #expect(probes.value == 3, "the probe stops at the first answer")
        watch.close()
        #expect(log.all.last == .closed)
    }

    /// A producer and a group consumer on a cluster of their own, whose only broker goes
    /// down and comes back.
    @Test func aProducerAndAConsumerReportTheOutageAndItsEnd() async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: TestKafka.logger)
        let topic = TestKafka.uniqueName("outage")
        try cluster.createTopic(topic, partitions: 2)
        let configuration = KafkaConfiguration.localDefaults(bootstrapServers: cluster.bootstrapServers)
        let (producerLog, consumerLog) = (ConnectivityLog(), ConnectivityLog())
        let producer = try KafkaProducer(configuration: configuration, logger: TestKafka.logger, connectivity: producerLog.handler)
        let consumer = try KafkaConsumer(
            configuration: configuration, groupID: TestKafka.uniqueName("outage"), logger: TestKafka.logger,
            connectivity: consumerLog.handler)
        try await consumer.subscribe(topics: [topic])
        _ = try await producer.send(KafkaRecord(topic: topic, key: Array("k".utf8), value: Array("v".utf8)))
        // librdkafka reports a consumer's outage inside poll: keep polling, as a writer does.
        let polling = Task {
            while !Task.isCancelled { _ = try? await consumer.poll(maxMessages: 100, timeout: .milliseconds(100)) }
        }
        defer { polling.cancel() }
        // And keep the producer busy, as a reader is: librdkafka notices a broker that stops
        // answering at its next request (one that closes the connection, at once).
        let sending = Task {
            while !Task.isCancelled {
                _ = try? await producer.send(KafkaRecord(topic: topic, key: Array("k".utf8), value: Array("v".utf8)))
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        defer { sending.cancel() }
        try await eventually("the consumer to be assigned both partitions") { consumer.assignment.count == 2 }
        #expect(producerLog.all.isEmpty && consumerLog.all.isEmpty, "no outage yet: \(producerLog.all), \(consumerLog.all)")

        try cluster.setBrokerDown(1)
        for (name, log) in [("producer", producerLog), ("consumer", consumerLog)] {
            try await eventually("the \(name) to report every broker down (\(log.all))", timeout: .seconds(90)) {
                if case .allBrokersDown(let detail)? = log.last { return detail.contains("brokers are down") }
                return false
            }
        }
        try cluster.setBrokerUp(1)
        for (name, log) in [("producer", producerLog), ("consumer", consumerLog)] {
            try await eventually("the \(name) to report a broker back (\(log.all))", timeout: .seconds(90)) { log.last == .restored }
        }

        polling.cancel()
        sending.cancel()
        _ = await polling.value
        _ = await sending.value
        await producer.close(timeout: .seconds(5))
        await consumer.close()
        #expect(producerLog.last == .closed)
        #expect(consumerLog.last == .closed)
    }
}
