/// One sObject type: its name, key prefix and fields. Every object starts with
/// the system fields in a fixed order, so their positions are constants.
struct SalesforceObjectSchema: Sendable {
    static let idIndex = 0
    static let isDeletedIndex = 1
    static let createdDateIndex = 2
    static let lastModifiedDateIndex = 3
    static let systemModstampIndex = 4
    static let createdByIdIndex = 5
    static let lastModifiedByIdIndex = 6

    let name: String
    let label: String
    let labelPlural: String
    let keyPrefix: String
    let isCustom: Bool
    let fields: [SalesforceField]
    /// `Name` is `FirstName LastName` (Contact, Lead).
    let composesName: Bool
    private let positions: [String: Int]

    init(name: String, label: String, labelPlural: String, keyPrefix: String,
         composesName: Bool = false, fields: [SalesforceField]) {
        self.name = name
        self.label = label
        self.labelPlural = labelPlural
        self.keyPrefix = keyPrefix
        self.isCustom = name.hasSuffix("__c")
        self.composesName = composesName
        self.fields = [
            .system("Id", "\(label) ID", .id),
            .system("IsDeleted", "Deleted", .boolean),
            .system("CreatedDate", "Created Date", .dateTime),
            .system("LastModifiedDate", "Last Modified Date", .dateTime),
            .system("SystemModstamp", "System Modstamp", .dateTime),
            .system("CreatedById", "Created By ID", .reference(to: ["User"])),
            .system("LastModifiedById", "Last Modified By ID", .reference(to: ["User"])),
        ] + fields
        var positions: [String: Int] = [:]
        for (index, field) in self.fields.enumerated() { positions[field.name.lowercased()] = index }
        self.positions = positions
    }

    /// Field position by name, case-insensitively (as Salesforce matches names).
    func index(of fieldName: some StringProtocol) -> Int? {
        positions[fieldName.lowercased()]
    }

    func field(named name: some StringProtocol) -> SalesforceField? {
        index(of: name).map { fields[$0] }
    }

    var requiredFieldIndices: [Int] {
        fields.indices.filter { fields[$0].isRequired }
    }

    var uniqueFieldIndices: [Int] {
        fields.indices.filter { fields[$0].isUnique }
    }

    var firstNameIndex: Int? { index(of: "FirstName") }
    var lastNameIndex: Int? { index(of: "LastName") }
    var nameIndex: Int? { index(of: "Name") }
}
