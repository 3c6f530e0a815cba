/// The option that remembers where the campaign-to-crm reader stopped in a Campaign
/// source (SPEC §2.2): named `LASTEXPORT_<instance>_campaign-to-crm_<source>` (`email-events`
/// or an export's name), valued `<transaction stamp>:<row id>` (e.g. `7412:1200345`), the
/// last row published, in the reader's `(stamp, id)` order. `0:0` reads the source from its
/// first stamped row. Shown and set like LASTIMPORT (API, CLI), validated by `parse`.
public enum LastExportOption {
    public static let prefix = "LASTEXPORT_"
    /// The source name of Campaign's email events.
    public static let emailEvents = "email-events"

    /// `LASTEXPORT_demo_campaign-to-crm_email-events`.
    public static func name(instance: String, source: String) -> String {
        prefix + instance + "_" + WorkflowName.campaignToCRM.rawValue + "_" + source
    }

    /// The stamp and id of a value exactly in the form `<stamp>:<id>` (two non-negative
    /// whole numbers); an error names the expected form.
    public static func parse(_ text: String) -> Result<(stamp: UInt64, id: Int64), LastExportOptionError> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let stamp = UInt64(parts[0]), let id = Int64(parts[1]) else {
            let shown = text.count > 60 ? String(text.prefix(60)) + "…" : text
            return .failure(LastExportOptionError(
                "\"\(shown)\" is not a campaign-to-crm cursor; expected <transaction stamp>:<event id>, e.g. 7412:1200345 (0:0 = from the start)"))
        }
        return .success((stamp, id))
    }
}

/// A LASTEXPORT option value that is not `<stamp>:<id>`.
public struct LastExportOptionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
