@testable import CRMConnectors
import Testing

@Suite struct LiteralTests {
    @Test func odataStringsDoubleTheirQuotes() {
        #expect(ODataLiteral.string("O'Bryan") == "'O''Bryan'")
        #expect(ODataLiteral.string("''") == "''''''")
        #expect(ODataLiteral.string("a\\b") == "'a\\b'")
    }

    @Test func odataGuidsAreCheckedBeforeUse() {
        #expect(ODataLiteral.guid("49B0BE2E-CC35-E811-A94F-000D3A109CDB") == "49b0be2e-cc35-e811-a94f-000d3a109cdb")
        #expect(ODataLiteral.guid("49b0be2e-cc35-e811-a94f-000d3a109cd") == nil)
        #expect(ODataLiteral.guid("x') or (1 eq 1") == nil)
        #expect(ODataLiteral.guid("") == nil)
    }

    @Test func soqlStringsUseBackslashEscapes() {
        #expect(SOQLLiteral.string("O'Bryan") == #"'O\'Bryan'"#)
        #expect(SOQLLiteral.string(#"a\b"#) == #"'a\\b'"#)
        #expect(SOQLLiteral.string("line\nnext\t\"q\"") == #"'line\nnext\t\"q\"'"#)
        #expect(SOQLLiteral.string("50%_") == "'50%_'")
        #expect(SOQLLiteral.string("' OR Name != '") == #"'\' OR Name != \''"#)
    }

    @Test func soqlLikePrefixesEscapeWildcards() {
        #expect(SOQLLiteral.likePrefix("50%_off") == #"'50\%\_off%'"#)
        #expect(SOQLLiteral.likePrefix("") == "'%'")
    }
}
