import Config
import WorkflowRuntime


/// The Kafka topics a workflow's writers consume, by the name an operator uses for them
/// (`--entity` of a replay): what the backlog sums over and what a replay rewinds.
struct WorkflowStreams: Sendable, Equatable {
    struct Stream: Sendable, Equatable {
        /// `contact`, `email-events`, an export's name, `from-crm`…
        var entity: String
        var topic: String
    }

    var workflow: WorkflowName
    var streams: [Stream]

    var topics: [String] { streams.map(\.topic) }
    var entities: [String] { streams.map(\.entity) }

    func topic(entity: String) -> String? {
        streams.first { $0.entity == entity }?.topic
    }

    init(_ config: WorkflowConfig) {
        workflow = config.name
        switch config {
        case .crmToCampaign(let config):
            streams = config.entities.map { Stream(entity: $0.name, topic: Topics.crmToCampaign(entity: $0.name)) }
        case .campaignToCRM(let config):
            var streams: [Stream] = []
            if config.emailEvents.enabled {
                streams.append(Stream(entity: "email-events", topic: Topics.emailEvents))
            }
            streams += config.exports.map { Stream(entity: $0.name, topic: Topics.campaignToCRM(export: $0.name)) }
            streams += config.deletes.map { Stream(entity: $0.name, topic: Topics.campaignToCRM(export: $0.name)) }
            self.streams = streams
        case .optInOut(let config):
            let fromCRM = Stream(entity: "from-crm", topic: Topics.optOutFromCRM)
            let fromCampaign = Stream(entity: "from-campaign", topic: Topics.optOutFromCampaign)
            switch config.mode {
            case .disabled: streams = []
            case .crmToCampaign: streams = [fromCRM]
            case .campaignToCRM: streams = [fromCampaign]
            case .bidirectional: streams = [fromCRM, fromCampaign]
            }
        }
    }
}
