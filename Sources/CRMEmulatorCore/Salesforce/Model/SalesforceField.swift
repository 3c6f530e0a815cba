/// One field of an object: name, type, and what a write may do with it.
struct SalesforceField: Sendable {
    let name: String
    let label: String
    let type: SalesforceFieldType
    /// Maximum characters for text fields, 0 otherwise.
    let length: Int
    /// Must have a value after every write (`REQUIRED_FIELD_MISSING`).
    let isRequired: Bool
    let isCreateable: Bool
    let isUpdateable: Bool
    let isExternalID: Bool
    let isUnique: Bool
    /// The value a create gets when the body does not name the field.
    let defaultValue: SalesforceValue

    var isNillable: Bool { !isRequired && type != .boolean && isCreateable }

    /// A field only the platform writes (`Id`, `SystemModstamp`, …).
    static func system(_ name: String, _ label: String, _ type: SalesforceFieldType) -> Self {
        Self(name: name, label: label, type: type, length: type.kind == .id ? 18 : 0, isRequired: false,
             isCreateable: false, isUpdateable: false, isExternalID: false, isUnique: false,
             defaultValue: type == .boolean ? .boolean(false) : .null)
    }

    static func text(_ name: String, _ label: String, _ type: SalesforceFieldType = .string, length: Int,
                     required: Bool = false, externalID: Bool = false, unique: Bool = false) -> Self {
        Self(name: name, label: label, type: type, length: length, isRequired: required,
             isCreateable: true, isUpdateable: true, isExternalID: externalID, isUnique: unique, defaultValue: .null)
    }

    static func value(_ name: String, _ label: String, _ type: SalesforceFieldType, required: Bool = false,
                      defaultValue: SalesforceValue = .null) -> Self {
        Self(name: name, label: label, type: type, length: type.kind == .id ? 18 : 0, isRequired: required,
             isCreateable: true, isUpdateable: true, isExternalID: false, isUnique: false,
             defaultValue: type == .boolean && defaultValue == .null ? .boolean(false) : defaultValue)
    }

    /// A formula-like field the platform computes (Contact `Name`).
    static func computed(_ name: String, _ label: String, length: Int) -> Self {
        Self(name: name, label: label, type: .string, length: length, isRequired: false,
             isCreateable: false, isUpdateable: false, isExternalID: false, isUnique: false, defaultValue: .null)
    }
}
