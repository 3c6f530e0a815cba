/// What a CRM says exists: its objects and their fields, read from its own metadata
/// (Dynamics `EntityDefinitions(LogicalName='…')/Attributes`, Salesforce
/// `sobjects/<Object>/describe`), so a mapping is checked before data is read.
public protocol CRMMetadataSource: Sendable {
    /// `dynamics` or `salesforce`.
    var system: String { get }

    /// The fields of `remoteObject` (a Dynamics entity set, a Salesforce object), or nil
    /// when the CRM has no such object. Other failures throw a `CRMError`.
    func fields(of remoteObject: String) async throws -> CRMObjectFields?
}

/// The fields of one CRM object, as its metadata names them.
public struct CRMObjectFields: Sendable, Equatable {
    /// The object as the CRM names it (`contact` for the entity set `contacts`, `Contact`).
    public var object: String
    public var names: Set<String>
    /// Salesforce compares API names without case; Dataverse property names are exact.
    public var caseInsensitive: Bool
    /// Dynamics lookups: a lookup `x` is read as the property `_x_value`.
    public var lookups: Set<String>

    public init(object: String, names: Set<String>, caseInsensitive: Bool, lookups: Set<String> = []) {
        self.object = object
        self.caseInsensitive = caseInsensitive
        self.names = caseInsensitive ? Set(names.map { $0.lowercased() }) : names
        self.lookups = lookups
    }

    /// Whether `field` can be read from this object.
    public func contains(_ field: String) -> Bool {
        if caseInsensitive { return names.contains(field.lowercased()) }
        if names.contains(field) { return true }
        // `_parentcustomerid_value` reads the lookup `parentcustomerid`.
        if field.hasPrefix("_"), field.hasSuffix("_value"), field.count > "__value".count {
            let inner = String(field.dropFirst().dropLast("_value".count))
            return lookups.contains(inner)
        }
        return false
    }
}
