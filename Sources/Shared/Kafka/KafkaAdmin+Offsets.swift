import Foundation
import Logging

extension KafkaAdmin {
    /// The committed offsets (next offset to read) of `group` on `topic`, by partition;
    /// partitions the group never committed are absent. Uses a consumer handle with that
    /// group id that never subscribes, so the group is not disturbed.
    public func committedOffsets(group: String, topic: String) async throws -> [Int32: Int64] {
        let (client, configuration) = (client, configuration)
        return try await queue.run {
            let partitions = try client.partitions(of: topic, timeout: configuration.requestTimeout)
            let offsets = try self.cachedOffsetClient(group: group)
            return try offsets.committedOffsets(
                topic: topic, partitions: partitions, timeout: configuration.requestTimeout)
        }
    }

    /// The lag of `group` on `topics`, per partition: high watermark − committed offset
    /// (the low watermark when the group never committed), and the total.
    public func lag(group: String, topics: [String]) async throws -> KafkaGroupLag {
        let (client, configuration) = (client, configuration)
        return try await queue.run {
            let offsets = try self.cachedOffsetClient(group: group)
            var partitions: [KafkaGroupLag.Partition] = []
            for topic in topics {
                let watermarks = try client.watermarks(of: topic, timeout: configuration.requestTimeout)
                let committed = try offsets.committedOffsets(
                    topic: topic, partitions: Array(watermarks.keys), timeout: configuration.requestTimeout)
                for (partition, marks) in watermarks.sorted(by: { $0.key < $1.key }) {
                    partitions.append(
                        KafkaGroupLag.Partition(
                            topic: topic, partition: partition, lowWatermark: marks.low,
                            highWatermark: marks.high, committed: committed[partition]))
                }
            }
            return KafkaGroupLag(group: group, partitions: partitions)
        }
    }

    /// Moves the committed offsets of `group` on every partition of `topic` to `target`,
    /// so the group's next start re-reads from there (a replay). Returns the new offsets.
    ///
    /// The group must have no active members (stop its consumers first): Kafka accepts
    /// such a commit only for an empty group. When the broker refuses a commit from outside
    /// the group (the librdkafka mock does for a group that ever had members), the reset
    /// joins the group as its only member, commits, and leaves; if other members are
    /// active, it fails with `groupNotEmpty` after `sessionTimeout`, having caused one
    /// rebalance of that group.
    @discardableResult
    public func resetOffsets(
        group: String, topic: String, to target: KafkaOffsetResetTarget
    ) async throws -> [Int32: Int64] {
        let (client, configuration, logger) = (client, configuration, logger)
        let targets = try await queue.run {
            let watermarks = try client.watermarks(of: topic, timeout: configuration.requestTimeout)
            switch target {
            case .earliest:
                return watermarks.mapValues(\.low)
            case .latest:
                return watermarks.mapValues(\.high)
            case .timestamp(let date):
                let search = KafkaTimestampSearch(
                    client: client, topic: topic, watermarks: watermarks,
                    timestamp: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)),
                    configuration: configuration, logger: logger)
                return try search.offsets()
            }
        }
        let offsets = targets.sorted { $0.key < $1.key }.map {
            KafkaTopicPartitionOffset(topic: topic, partition: $0.key, offset: $0.value)
        }
        try await commitFromOutside(group: group, offsets: offsets)
        logger.notice(
            "Kafka offsets of group \(group) on \(topic) reset to \(target)",
            metadata: [KafkaLogKey.group: "\(group)", KafkaLogKey.topic: "\(topic)"])
        return targets
    }

    private func commitFromOutside(group: String, offsets: [KafkaTopicPartitionOffset]) async throws {
        let (configuration, logger) = (configuration, logger)
        do {
            try await queue.run {
                try Self.offsetClient(group: group, configuration: configuration, logger: logger).commit(offsets)
            }
        } catch let error as KafkaError
            where [.unknownMemberID, .illegalGeneration, .rebalanceInProgress].contains(error.code)
        {
            logger.info("Kafka commit from outside group \(group) refused (\(error.code)); committing as its only member")
            try await commitAsOnlyMember(group: group, offsets: offsets)
        }
    }

    private func commitAsOnlyMember(group: String, offsets: [KafkaTopicPartitionOffset]) async throws {
        let wanted = Set(offsets.map(\.topicPartition))
        let topics = Array(Set(offsets.map(\.topic)))
        let member = try KafkaConsumer(configuration: configuration, groupID: group, logger: logger)
        do {
            try await member.subscribe(topics: topics)
            let deadline = ContinuousClock.now + configuration.sessionTimeout * 2 + .seconds(5)
            while member.assignment != wanted {
                guard ContinuousClock.now < deadline else {
                    throw KafkaError(
                        code: .groupNotEmpty,
                        message: "group \(group) has other active members; stop its consumers before resetting offsets",
                        function: "KafkaAdmin.resetOffsets", isRetriable: false)
                }
                // Messages read while joining are dropped: nothing is committed but `offsets`.
                _ = try await member.poll(maxMessages: 1, timeout: .milliseconds(200))
            }
            let result = try await member.commit(offsets)
            guard result.dropped.isEmpty else {
                throw KafkaError(
                    code: .rebalanceInProgress, message: "group \(group) rebalanced during the reset",
                    function: "KafkaAdmin.resetOffsets")
            }
        } catch {
            await member.close()
            throw error
        }
        await member.close()
    }

    /// The kept offset client of `group` (`offsetClients`); made on first use.
    func cachedOffsetClient(group: String) throws -> RDKafkaClient {
        if let kept = offsetClients.withLock({ $0[group] }) { return kept }
        let made = try Self.offsetClient(group: group, configuration: configuration, logger: logger)
        return offsetClients.withLock { clients in
            if let kept = clients[group] { return kept }
            clients[group] = made
            return made
        }
    }

    /// A consumer handle carrying `group` that never subscribes.
    static func offsetClient(group: String, configuration: KafkaConfiguration, logger: Logger) throws -> RDKafkaClient {
        guard !group.isEmpty else {
            throw KafkaError.invalidArgument("the group id is empty", function: "KafkaAdmin")
        }
        let role = KafkaClientRole.offsetClient(groupID: group)
        return try RDKafkaClient(
            role: role, properties: configuration.librdkafkaProperties(for: role), logger: logger)
    }
}
