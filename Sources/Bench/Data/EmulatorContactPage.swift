/// One page of the emulator's Dynamics contacts as the benches read them (the columns
/// the bench's mapping carries), with the link to the next page.
struct EmulatorContactPage: Decodable {
    struct Row: Decodable {
        var contactid: String
        var modifiedon: String
        var firstname: String?
        var lastname: String?
        var emailaddress1: String?
        var telephone1: String?
        var birthdate: String?
    }

    var value: [Row]
    var nextLink: String?

    enum CodingKeys: String, CodingKey {
        case value
        case nextLink = "@odata.nextLink"
    }
}
