/// An annotation a CRM sends beside a field's value, read by a mapping as a field of its
/// own: `<field>@<annotation>`. The one that matters most is Dynamics'
/// `Microsoft.Dynamics.CRM.lookuplogicalname`: a polymorphic lookup
/// (`_parentcustomerid_value`) holds only a GUID, and this annotation names the table it
/// points to (`account`, `contact`), so a mapping can take the type into a column:
///
/// ```yaml
/// - remote: _parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname
///   column: parent_type
/// ```
///
/// The connector selects the field itself, asks for the annotation
/// (`Prefer: odata.include-annotations`) and keeps it under the full name.
public enum CRMFieldAnnotation: String, CaseIterable, Sendable {
    /// The logical name of the table a lookup points to.
    case lookupLogicalName = "Microsoft.Dynamics.CRM.lookuplogicalname"
    /// The value as the CRM shows it (an option's label, a formatted number or date).
    case formattedValue = "OData.Community.Display.V1.FormattedValue"

    /// A remote name split at its `@`: the field and the annotation's text; nil for a
    /// plain field name.
    public static func split(_ name: String) -> (field: String, annotation: String)? {
        guard let at = name.firstIndex(of: "@") else { return nil }
        return (String(name[..<at]), String(name[name.index(after: at)...]))
    }

    /// The field and the annotation a remote name reads; nil for a plain field name or an
    /// annotation this list does not know.
    public static func parse(_ name: String) -> (field: String, annotation: CRMFieldAnnotation)? {
        guard let (field, text) = split(name), let annotation = CRMFieldAnnotation(rawValue: text) else { return nil }
        return (field, annotation)
    }

    /// The field a remote name reads: itself, or the annotated field.
    public static func field(of name: String) -> String {
        split(name)?.field ?? name
    }
}
