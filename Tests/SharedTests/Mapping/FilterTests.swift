@testable import Mapping
import Testing

@Suite struct FilterTests {
    private func valid(_ text: String, strings: Bool = false) throws -> FilterExpression {
        try FilterExpression.parse(text, allowStringComparisons: strings).get()
    }

    private func rules(_ text: String, strings: Bool = false) -> [FilterRule] {
        switch FilterExpression.parse(text, allowStringComparisons: strings) {
        case .success: []
        case .failure(let error): error.problems.map(\.rule)
        }
    }

    private func message(_ text: String, strings: Bool = false) -> String {
        switch FilterExpression.parse(text, allowStringComparisons: strings) {
        case .success: ""
        case .failure(let error): error.description
        }
    }

    @Test func parsesTheSpecExampleIntoAnAST() throws {
        let filter = try valid("statecode eq 0 and emailaddress1 ne null")
        #expect(filter == .and([
            .comparison(.field(["statecode"]), .eq, .literal(.number("0"))),
            .comparison(.field(["emailaddress1"]), .ne, .literal(.null)),
        ]))
        #expect(filter.text == "statecode eq 0 and emailaddress1 ne null")
    }

    @Test func printsNestedLevelsNotAndEveryOperatorBack() throws {
        let keywordPrefixes = try valid("(c lt 3 or c le 4) and or_field eq true and notes ne null")
        #expect(keywordPrefixes.text == "(c lt 3 or c le 4) and or_field eq true and notes ne null")
        let nested = try valid("(a gt 1 or b ge -2.5) and (c lt 3 or not (d eq false))")
        #expect(nested.text == "(a gt 1 or b ge -2.5) and (c lt 3 or not (d eq false))")
        #expect(try valid(nested.text) == nested)
    }

    @Test func keywordsAreCaseInsensitiveAndNormalised() throws {
        let filter = try valid("StateCode EQ 0 AND Email NE NULL")
        #expect(filter.text == "StateCode eq 0 and Email ne null")
    }

    @Test func datesAndDateTimesCountAsNumbersAndAreNormalisedToUTC() throws {
        let filter = try valid("modifiedon ge 2024-03-31T02:30:00+02:00 and birthdate lt 2000-01-01")
        #expect(filter.text == "modifiedon ge 2024-03-31T00:30:00Z and birthdate lt 2000-01-01")
    }

    @Test func mixingAndWithOrAtOneLevelBreaksMixedOperators() {
        #expect(rules("a eq 1 and b eq 2 or c eq 3") == [.mixedOperators])
        #expect(message("a eq 1 and b eq 2 or c eq 3").contains("mixed-operators"))
        #expect(rules("(a eq 1 and b eq 2) or c eq 3") == [])
    }

    @Test func notUnderAndBreaksAndNot() {
        #expect(rules("a eq 1 and not b eq 2") == [.andNot])
        #expect(rules("a eq 1 and not (b eq 2 or c eq 3)") == [.andNot])
        #expect(rules("a eq 1 or not b eq 2") == [])
        #expect(rules("not (a eq 1 and b eq 2)") == [])
    }

    @Test func rightSideMustBeNullOrANumber() {
        #expect(rules("a eq b") == [.rightSideNotNullOrNumber])
        #expect(rules("a eq startswith(b,'x')", strings: true) == [.rightSideNotNullOrNumber])
        #expect(message("a eq b").contains("right-side-not-null-or-number"))
        #expect(rules("a eq true and b ne 2024-01-01 and c gt -1") == [])
    }

    @Test func leftSideMustBeOneFieldWithoutJoins() {
        #expect(rules("0 eq a") == [.leftSideNotSingleField, .rightSideNotNullOrNumber])
        #expect(rules("parentcustomerid/name eq null") == [.noJoins])
        #expect(rules("Account.Name ne null") == [.noJoins])
        #expect(message("Account.Name ne null").contains("no-joins"))
    }

    @Test func stringsNeedTheOptInAndThenOnlyEqNeStartswith() throws {
        #expect(rules("lastname eq 'Smith'") == [.stringComparisonNotAllowed])
        #expect(rules("startswith(lastname,'Sm')") == [.stringComparisonNotAllowed])
        #expect(rules("lastname gt 'Smith'", strings: true) == [.stringOperatorNotAllowed])
        #expect(rules("endswith(lastname,'th')", strings: true) == [.unsupportedFunction])
        let filter = try valid("lastname eq 'O''Bryan' or startswith(lastname,'50%_a''b\\c')", strings: true)
        #expect(filter.text == #"lastname eq 'O''Bryan' or startswith(lastname,'50%_a''b\c')"#)
        #expect(try valid(filter.text, strings: true) == filter)
    }

    @Test func nullOnlyWithEqOrNe() {
        #expect(rules("a gt null") == [.nullOperatorNotAllowed])
    }

    @Test func reportsEveryBrokenRuleAtOnce() {
        let found = rules("a/b eq c and not d eq 'x' and e eq 1 or f eq 2")
        #expect(Set(found) == [.mixedOperators, .andNot, .noJoins, .rightSideNotNullOrNumber,
                               .stringComparisonNotAllowed])
    }

    @Test(arguments: [
        ("", "the filter is empty"),
        ("a eq", "ends early"),
        ("a eq 1 and", "ends early"),
        ("(a eq 1", "')' to close"),
        ("a eq 1)", "a ')' without its '('"),
        ("a eq 'x", "no closing quote"),
        ("a eq 1 # b", "unexpected character \"#\""),
        ("a 1", "expected a comparison operator"),
        ("a eq 2024-13-01", "month 13 is out of range"),
        ("a eq 12abc", "not a number, a date or a date-time"),
        ("a eq 2024-01-01T10:00:00", "a time zone is required"),
    ])
    func syntaxErrorsSayWhereAndWhat(text: String, expected: String) {
        #expect(rules(text) == [.syntax])
        #expect(message(text).contains(expected), "\(message(text))")
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let text = String(repeating: "(", count: 10_000) + "a eq 1" + String(repeating: ")", count: 10_000)
        #expect(rules(text) == [.syntax])
        let nots = String(repeating: "not ", count: 10_000) + "a eq 1"
        #expect(rules(nots) == [.syntax])
    }

    @Test func randomTextNeverCrashesTheParser() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "b/c", "eq", "ne", "gt", "and", "or", "not", "(", ")", "'x'", "''", "'", "null",
                      "1", "-2.5", "2024-01-01", "2024-01-01T00:00:00Z", ",", "startswith", "#", "é"]
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...12, using: &generator))
                .map { _ in pieces.randomElement(using: &generator) ?? "" }.joined(separator: " ")
            if case .success(let filter) = FilterExpression.parse(text, allowStringComparisons: true) {
                #expect((try? valid(filter.text, strings: true)) == filter, "\(filter.text)")
            }
        }
    }
}
