import Foundation

/// The `Prefer` header preferences Dataverse honours, and what to echo back in
/// `Preference-Applied`.
struct DynamicsPreferences: Sendable {
    static let maximumPageSize = 5000

    var maxPageSize: Int?
    var trackChanges = false
    var returnRepresentation = false
    var continueOnError = false
    var formattedValues = false
    var lookupLogicalNames = false
    var navigationProperties = false
    /// The annotations value exactly as requested (echoed back).
    var annotations: String?

    init() {}

    init(header: String?) throws(DynamicsError) {
        guard let header else { return }
        for part in Self.split(header) {
            let item = part.trimmingCharacters(in: .whitespaces)
            guard !item.isEmpty else { continue }
            let pieces = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let name = pieces[0].lowercased()
            let value = pieces.count > 1 ? pieces[1] : nil
            switch name {
            case "odata.maxpagesize":
                guard let value, let size = Int(value), size > 0 else {
                    throw .badQuery("The value of the odata.maxpagesize preference must be a positive integer.")
                }
                maxPageSize = min(size, Self.maximumPageSize)
            case "odata.track-changes":
                trackChanges = true
            case "return":
                returnRepresentation = value?.lowercased() == "representation"
            case "odata.continue-on-error":
                continueOnError = true
            case "odata.include-annotations":
                let list = (value ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                annotations = list
                for annotation in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    let all = annotation == "*"
                    if all || annotation == "OData.Community.Display.V1.FormattedValue" { formattedValues = true }
                    if all || annotation == "Microsoft.Dynamics.CRM.lookuplogicalname" { lookupLogicalNames = true }
                    if all || annotation == "Microsoft.Dynamics.CRM.associatednavigationproperty" { navigationProperties = true }
                }
            default:
                continue
            }
        }
    }

    /// `Preference-Applied` for a query answer.
    func appliedForQuery(pageSizeApplied: Bool) -> String? {
        var applied: [String] = []
        if pageSizeApplied, let maxPageSize { applied.append("odata.maxpagesize=\(maxPageSize)") }
        if let annotations { applied.append("odata.include-annotations=\"\(annotations)\"") }
        if trackChanges { applied.append("odata.track-changes") }
        return applied.isEmpty ? nil : applied.joined(separator: ",")
    }

    /// Splits on commas outside double quotes (annotation lists are quoted).
    private static func split(_ header: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quoted = false
        for character in header {
            if character == "\"" { quoted.toggle() }
            if character == ",", !quoted {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }
}
