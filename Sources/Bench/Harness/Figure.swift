/// One measured number with its unit, as printed in the table and written to the JSON.
///
/// A figure may carry a target (the bar) and whether it was met; benchmarks never
/// fail on speed, they only say so.
struct Figure: Codable, Sendable, Equatable {
    /// The bar a figure is compared with.
    struct Target: Codable, Sendable, Equatable {
        enum Comparison: String, Codable, Sendable {
            case atLeast = ">="
            case atMost = "<="
        }

        var comparison: Comparison
        var value: Double

        static func atLeast(_ value: Double) -> Target { Target(comparison: .atLeast, value: value) }
        static func atMost(_ value: Double) -> Target { Target(comparison: .atMost, value: value) }

        func isMet(by measured: Double) -> Bool {
            switch comparison {
            case .atLeast: measured >= value
            case .atMost: measured <= value
            }
        }
    }

    /// Stable id, e.g. `initial-load.e2e.rate` (the scale is a separate field).
    var id: String
    /// The workflow it belongs to (`crm-to-campaign`), or `ceiling` for raw ceilings.
    var workflow: String
    /// Human label for the table.
    var label: String
    var value: Double
    /// `records/s`, `s`, `ms`, `MB`, `ratio`, `count`.
    var unit: String
    /// The number of records the figure was measured with (N); nil when not per-N.
    var scale: Int?
    var target: Target?
    /// Whether `value` meets `target`; nil without a target.
    var met: Bool?
    /// What limits it, how it was measured: one short line.
    var note: String?

    init(
        id: String, workflow: String, label: String, value: Double, unit: String, scale: Int? = nil,
        target: Target? = nil, note: String? = nil
    ) {
        self.id = id
        self.workflow = workflow
        self.label = label
        self.value = value
        self.unit = unit
        self.scale = scale
        self.target = target
        self.met = target.map { $0.isMet(by: value) }
        self.note = note
    }
}
