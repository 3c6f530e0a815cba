import HTTPBridge
import Testing

@Suite struct HTTPHeadersTests {
    @Test func lookupIgnoresCaseAndReturnsTheFirstValue() {
        let headers = HTTPHeaders([("Content-Type", "application/json"), ("X-Tag", "a"), ("x-tag", "b")])
        #expect(headers["content-type"] == "application/json")
        #expect(headers["CONTENT-TYPE"] == "application/json")
        #expect(headers["X-TAG"] == "a")
        #expect(headers.values("x-Tag") == ["a", "b"])
        #expect(headers["Missing"] == nil)
        #expect(headers.values("Missing").isEmpty)
    }

    @Test func iterationKeepsInsertionOrderAndSpelling() {
        var headers: HTTPHeaders = ["B": "2", "a": "1"]
        headers.add("C", "3")
        #expect(headers.map(\.name) == ["B", "a", "C"])
        #expect(headers.map(\.value) == ["2", "1", "3"])
    }

    @Test func replaceKeepsThePlaceOfTheFirstFieldAndDropsTheOthers() {
        var headers = HTTPHeaders([("Accept", "x"), ("If-Match", "1"), ("accept", "y")])
        headers.replace("ACCEPT", "application/json")
        #expect(headers.map(\.name) == ["ACCEPT", "If-Match"])
        #expect(headers.values("accept") == ["application/json"])
        headers.replace("Prefer", "return=representation")
        #expect(headers["prefer"] == "return=representation")
        #expect(headers.count == 3)
    }

    @Test func removeDropsEveryFieldOfThatName() {
        var headers = HTTPHeaders([("A", "1"), ("a", "2"), ("B", "3")])
        headers.remove("A")
        #expect(headers.map(\.name) == ["B"])
        #expect(!headers.contains("a"))
    }

    @Test func descriptionShowsNamesButNeverValues() {
        let headers: HTTPHeaders = ["Authorization": "Bearer secret-token"]
        #expect(headers.description.contains("Authorization"))
        #expect(!headers.description.contains("secret-token"))
    }

    @Test func equalityComparesNamesWithoutCase() {
        #expect(HTTPHeaders([("A", "1")]) == HTTPHeaders([("a", "1")]))
        #expect(HTTPHeaders([("A", "1")]) != HTTPHeaders([("A", "2")]))
    }
}
