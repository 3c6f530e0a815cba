import HTTPBridge
import Testing

@Suite struct HTTPRequestFormTests {
    @Test func formBodyEncodesSpacesAsPlusAndReservedBytesAsPercent() {
        let request = HTTPRequest.form(
            url: "https://login.example.org/services/oauth2/token",
            fields: [("grant_type", "client_credentials"), ("client_secret", "a b+c&d=é*~")])
        #expect(request.method == "POST")
        #expect(request.headers["content-type"] == "application/x-www-form-urlencoded")
        #expect(request.body.map { String(decoding: $0, as: UTF8.self) }
            == "grant_type=client_credentials&client_secret=a+b%2Bc%26d%3D%C3%A9*%7E")
    }

    @Test func percentEncodedQueryComponentForODataFilter() {
        let filter = "modifiedon ge 2024-01-01T00:00:00Z and name eq 'O''Brien & Co'"
        #expect(HTTPRequest.percentEncoded(filter)
            == "modifiedon%20ge%202024-01-01T00%3A00%3A00Z%20and%20name%20eq%20%27O%27%27Brien%20%26%20Co%27")
    }

    @Test func percentEncodedQueryComponentForSOQL() {
        let soql = "SELECT Id FROM Contact WHERE Name = 'a+b' AND SystemModstamp >= 2024-01-01T00:00:00Z"
        let encoded = soql.percentEncoded
        #expect(encoded.hasPrefix("SELECT%20Id%20FROM%20Contact"))
        #expect(encoded.contains("%27a%2Bb%27"))
        #expect(encoded.contains("%3E%3D"))
        #expect(!encoded.contains(" ") && !encoded.contains("+"))
        #expect("naïve~._-".percentEncoded == "na%C3%AFve~._-")
    }

    @Test func urlWithQueryAppendsEncodedPairs() {
        #expect(HTTPRequest.url("https://h/api/contacts", query: [("$select", "fullname,emailaddress1"), ("$top", "5")])
            == "https://h/api/contacts?%24select=fullname%2Cemailaddress1&%24top=5")
        #expect(HTTPRequest.url("https://h/query?x=1", query: [("q", "a b")]) == "https://h/query?x=1&q=a%20b")
        #expect(HTTPRequest.url("https://h/query", query: []) == "https://h/query")
    }
}
