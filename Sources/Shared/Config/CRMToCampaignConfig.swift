/// The crm-to-campaign workflow (SPEC §2.1): CRM entities read into Campaign tables.
public struct CRMToCampaignConfig: Sendable, Equatable {
    public var entities: [EntityConfig]

    public init(entities: [EntityConfig] = []) {
        self.entities = entities
    }

    public func entity(named name: String) -> EntityConfig? {
        entities.first { $0.name == name }
    }
}
