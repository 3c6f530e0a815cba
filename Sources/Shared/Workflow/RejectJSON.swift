import Foundation

/// The JSON of a reject on a `crmbridge.<workflow>.rejects` topic.
public enum RejectJSON {
    public static func encode(_ reject: RejectStore.Reject) -> String {
        var object: [String: Any] = [
            "workflow": reject.workflow.rawValue,
            "errorSymbol": reject.errorSymbol,
            "errorMessage": reject.errorMessage,
        ]
        object["entity"] = reject.entity
        object["id"] = reject.recordID
        object["topic"] = reject.topic
        object["partition"] = reject.partition.map { Int($0) }
        object["offset"] = reject.offset.map { Int($0) }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
