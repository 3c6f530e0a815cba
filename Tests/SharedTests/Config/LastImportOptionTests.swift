@testable import Config
@testable import CoreValues
import Foundation
import Testing

@Suite struct LastImportOptionTests {
    @Test func namesFollowTheSpec() {
        #expect(LastImportOption.name(instance: "demo", workflow: .crmToCampaign, entity: "contact")
            == "LASTIMPORT_demo_crm-to-campaign_contact")
    }

    @Test func formatsInUTCDroppingFractions() throws {
        let date = try DateTimeText.parse("2024-03-31T02:30:59.999+02:00").get().date
        #expect(LastImportOption.format(date) == "2024/03/31 00:30:59")
        #expect(LastImportOption.format(Date(timeIntervalSince1970: 0)) == "1970/01/01 00:00:00")
    }

    @Test func parsesWhatItFormats() throws {
        let date = try LastImportOption.parse("2024/02/29 23:59:59").get()
        #expect(date == (try DateTimeText.parse("2024-02-29T23:59:59Z").get().date))
        #expect(LastImportOption.format(date) == "2024/02/29 23:59:59")
    }

    @Test(arguments: [
        ("2024-02-29 23:59:59", "is malformed at character 5"),
        ("2024/02/29T23:59:59", "is malformed at character 11"),
        ("2024/2/29 23:59:59", "has the wrong length"),
        ("2023/02/29 23:59:59", "day 29 is out of range"),
        ("2024/02/29 24:00:00", "hour 24 is out of range"),
        ("", "has the wrong length"),
        ("2024/02/29 23:59:59Z", "has the wrong length"),
    ])
    func refusesAnythingElseClearly(text: String, expected: String) {
        guard case .failure(let error) = LastImportOption.parse(text) else {
            Issue.record("\(text) was accepted")
            return
        }
        #expect(error.message.contains(expected), "\(error.message)")
        #expect(error.message.contains("yyyy/MM/dd HH:mm:ss") || error.message.contains("out of range"))
    }
}

@Suite struct DurationTextTests {
    @Test func parsesUnitsAndCombinations() throws {
        #expect(try DurationText.parse("30s").get() == .seconds(30))
        #expect(try DurationText.parse("500ms").get() == .milliseconds(500))
        #expect(try DurationText.parse("1h30m").get() == .seconds(5400))
        #expect(try DurationText.parse("1.5s").get() == .milliseconds(1500))
        #expect(try DurationText.parse("2d").get() == .seconds(172_800))
    }

    @Test func refusesNumbersWithoutUnits() {
        for text in ["30", "", "s", "5 minutes", "-1s", "1e3s", "1..5s"] {
            #expect((try? DurationText.parse(text).get()) == nil, "\(text)")
        }
    }

    @Test func formatsBackToTheShortestText() {
        #expect(DurationText.format(.seconds(90)) == "1m30s")
        #expect(DurationText.format(.milliseconds(250)) == "250ms")
        #expect(DurationText.format(.zero) == "0s")
    }
}

@Suite struct SecretTests {
    @Test func neverPrintsItsValue() {
        let secret = Secret("s3cr3t")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(String(describing: secret) == "***")
        #expect(String(reflecting: secret) == "***")
        #expect("\(secret)" == "***")
        #expect(!dumped.contains("s3cr3t"))
        #expect(secret.reveal() == "s3cr3t")
    }
}
