// Stand-in for the Envelope's FieldValue until branch `config` is merged; removed then.
public enum FieldValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
}

public struct JSONNumber: Sendable, Hashable {
    public let text: String
    public init?(_ text: String) { self.text = text }
    public init(_ value: Int64) { text = String(value) }
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        text = String(value)
    }
    init(unchecked text: String) { self.text = text }
}
