import KafkaBridge

/// The pages a load has read but not yet sent: their ids (all of them, for the full
/// load's ledger) and the encoded envelopes of those to publish (the overlap's repeats
/// left out). `EntityImport` sends it once `readCount` reaches the publisher's
/// `recordsPerSend`, or at the window's last page.
struct PublishBatch: Sendable {
    private(set) var readIDs: [String] = []
    private(set) var records: [KafkaRecord] = []

    var readCount: Int { readIDs.count }
    var isEmpty: Bool { readIDs.isEmpty }

    mutating func add(read ids: [String], publishing records: [KafkaRecord]) {
        readIDs += ids
        self.records += records
    }
}
