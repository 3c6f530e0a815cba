import Mapping

/// The shapes of names a config may hold; each used in SQL, OData, SOQL or topic names,
/// so a name outside its shape is refused up front.
enum IdentifierRule {
    /// Instance, entity, export names: they appear in Kafka topics and option names.
    case name
    /// A PostgreSQL column.
    case sqlColumn
    /// A PostgreSQL table, optionally `schema.table`.
    case sqlTable
    /// A CRM field or object name (`emailaddress1`, `Custom_Field__c`).
    case crmName
    /// A CRM field a mapping reads: a `crmName`, or one followed by a known annotation
    /// (`_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname`).
    case crmReadField

    func problem(with text: String) -> String? {
        switch self {
        case .name:
            guard text.count <= 100, let first = text.unicodeScalars.first, isAlphanumeric(first),
                  text.unicodeScalars.allSatisfy({ isAlphanumeric($0) || $0 == "_" || $0 == "-" }) else {
                return "\"\(text)\" is not a valid name (letters, digits, '_' and '-', starting with a letter "
                    + "or digit, at most 100 characters)"
            }
        case .sqlColumn:
            guard isSQLIdentifier(Substring(text)) else {
                return "\"\(text)\" is not a valid column name (letters, digits and '_', not starting with a "
                    + "digit, at most 63 characters)"
            }
        case .sqlTable:
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), parts.allSatisfy(isSQLIdentifier) else {
                return "\"\(text)\" is not a valid table name (table or schema.table; letters, digits and '_')"
            }
        case .crmReadField:
            guard let (field, annotation) = CRMFieldAnnotation.split(text) else {
                return IdentifierRule.crmName.problem(with: text)
            }
            if let problem = IdentifierRule.crmName.problem(with: field) { return problem }
            guard CRMFieldAnnotation(rawValue: annotation) != nil else {
                return "\"\(text)\" names an unknown annotation '\(annotation)' (known: "
                    + CRMFieldAnnotation.allCases.map(\.rawValue).joined(separator: ", ") + ")"
            }
        case .crmName:
            guard text.count <= 128, let first = text.unicodeScalars.first, isLetter(first) || first == "_",
                  text.unicodeScalars.allSatisfy({ isAlphanumeric($0) || $0 == "_" }) else {
                return "\"\(text)\" is not a valid CRM name (letters, digits and '_', starting with a letter)"
            }
        }
        return nil
    }

    private func isSQLIdentifier(_ text: Substring) -> Bool {
        guard (1...63).contains(text.utf8.count), let first = text.unicodeScalars.first,
              isLetter(first) || first == "_" else {
            return false
        }
        return text.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "_" }
    }

    private func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        isLetter(scalar) || ("0"..."9").contains(scalar)
    }
}
