import Foundation
import Shared
import TestSupport
import Testing

@Suite struct KafkaThroughputProbe {
    @Test func probe() async throws {
        let admin = try KafkaAdmin(configuration: try TestKafka.configuration(), logger: TestKafka.logger)
        let name = TestKafka.uniqueName("probe")
        do {
            let r = try await admin.createTopic(name: name, partitions: 2, config: ["cleanup.policy": "compact"])
            print("PROBE create: \(r)")
        } catch { print("PROBE create error: \(error)") }
        do { print("PROBE wm: \(try await admin.watermarks(topic: name))") } catch { print("PROBE wm error: \(error)") }
        do { print("PROBE wm missing: \(try await admin.watermarks(topic: "nope-\(name)"))") } catch { print("PROBE wm missing error: \(error)") }
    }
}
