import Foundation
import PostgresBridge
import Testing

/// Pure functions of the bridge: no server needed.
@Suite struct PostgresValueTests {
    @Test func identifiersAreQuotedWithInnerQuotesDoubled() {
        #expect(PostgresIdentifier.quote("a\"b") == "\"a\"\"b\"")
        #expect(PostgresIdentifier("profiles", schema: "campaign").quoted == "\"campaign\".\"profiles\"")
    }

    @Test func configuredNamesAreValidatedWithTheRuleBroken() throws {
        let qualified = try PostgresIdentifier(validating: "campaign.profiles")
        #expect(qualified.schema == "campaign")
        #expect(qualified.name == "profiles")
        #expect(try PostgresIdentifier(validating: "_x1").name == "_x1")
        for bad in ["", "a.b.c", "1abc", "semi;colon", "spa ce", "quo\"te", "é", String(repeating: "a", count: 64), "a."] {
            #expect(throws: PostgresError.self, "\(bad)") { try PostgresIdentifier(validating: bad) }
        }
        do {
            _ = try PostgresIdentifier(validating: "1abc")
        } catch let error as PostgresError {
            #expect(error.description.contains("must not start with a digit"))
        }
    }

    @Test func timestampsParseInEveryOffsetFormThePostgresPrints() {
        let instant = Date(timeIntervalSince1970: 1_767_323_045)  // 2026-01-02 03:04:05 UTC
        #expect(PostgresTimestamp.parse("2026-01-02 03:04:05+00") == instant)
        #expect(PostgresTimestamp.parse("2026-01-02T03:04:05Z") == instant)
        #expect(PostgresTimestamp.parse("2026-01-02 05:04:05+02") == instant)
        #expect(PostgresTimestamp.parse("2026-01-01 22:34:05-04:30") == instant)
        #expect(PostgresTimestamp.parse("2026-01-02 03:04:05.5+00") == instant.addingTimeInterval(0.5))
        #expect(PostgresTimestamp.parse("1969-12-31 23:59:59+00") == Date(timeIntervalSince1970: -1))
        for bad in ["infinity", "2026-13-01 00:00:00+00", "2026-01-02 03:04", "x", "2026-01-02 03:04:05+00 BC"] {
            #expect(PostgresTimestamp.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func timestampsFormatAsUTCWithMicroseconds() {
        let date = Date(timeIntervalSince1970: 1_767_323_045.123456)
        #expect(PostgresTimestamp.format(date) == "2026-01-02 03:04:05.123456+00")
        #expect(PostgresTimestamp.parse(PostgresTimestamp.format(date)).map { abs($0.timeIntervalSince(date)) < 1e-6 } == true)
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31 23:59:59.500000+00")
    }

    @Test func retriableErrorsAreTheTransientOnes() {
        func server(_ state: String) -> PostgresError {
            PostgresError(code: .server, sqlState: state, message: "m", operation: "op")
        }
        #expect(server("40001").isRetriable)
        #expect(server("40P01").isRetriable)
        #expect(server("57P01").isRetriable)
        #expect(server("08006").isRetriable)
        #expect(!server("42601").isRetriable)
        #expect(!server("23505").isRetriable)
        #expect(PostgresError(code: .connectionLost, message: "m", operation: "op").isRetriable)
        #expect(!PostgresError(code: .invalidArgument, message: "m", operation: "op").isRetriable)
    }
}
