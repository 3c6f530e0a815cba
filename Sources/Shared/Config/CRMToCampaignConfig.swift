/// The crm-to-campaign workflow (SPEC §2.1): CRM entities read into Campaign tables.
public struct CRMToCampaignConfig: Sendable, Equatable {
    public var entities: [EntityConfig]
    /// The reader publishes no further page while the writers' backlog is at or above
    /// this many records; 0 for no bound. docs/configuration.md.
    public var maxBacklog: Int

    public static let defaultMaxBacklog = 200_000

    public init(entities: [EntityConfig] = [], maxBacklog: Int = defaultMaxBacklog) {
        self.entities = entities
        self.maxBacklog = maxBacklog
    }

    public func entity(named name: String) -> EntityConfig? {
        entities.first { $0.name == name }
    }
}
