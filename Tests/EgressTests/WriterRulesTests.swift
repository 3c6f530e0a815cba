import CRMConnectors
import Config
import CoreValues
import Foundation
import Mapping
import Testing
@testable import EgressService

/// The writer's decisions, alone: which CRM errors fail the workflow, and how an export's
/// message becomes a CRM record.
@Suite struct WriterRulesTests {
    @Test func aCallRefusedForGoodFailsTheWorkflowNamingTheCauseButTransientTroubleDoesNot() {
        let refused = CRMError(
            system: "dynamics", code: .remote, operation: "upsert 50 email events ($batch)", status: 403,
            remoteCode: "0x80040220", message: "Principal user is missing prvCreatecrmb_emailopen privilege")
        let failure = CRMCallFailure.failure(refused, records: 50)
        #expect(failure?.message.contains("HTTP 403, 0x80040220") == true, "\(failure?.message ?? "nil")")
        #expect(failure?.message.contains("missing prvCreatecrmb_emailopen privilege") == true)
        #expect(failure?.message.contains("50 record(s)") == true)
        for transient in [CRMError.Code.throttled, .unavailable, .transport, .malformedResponse] {
            let error = CRMError(system: "salesforce", code: transient, operation: "x", status: 503, message: "later", isRetriable: true)
            #expect(CRMCallFailure.failure(error, records: 1) == nil, "\(transient) is retried")
        }
    }

    static let plan = ExportPlan.all(CampaignToCRMConfig(exports: [ExportConfig(
        name: "scores", source: .table("scores"), remoteObject: "contacts",
        key: .init(column: "ext", remote: "crmb_externalid", alternate: true), mode: .upsert,
        fields: [.init(column: "city", remote: "address1_city", replacements: [.init(from: "N/A", to: nil)]),
                 .init(column: "n", remote: "numberofemployees")])]))[0]

    static func envelope(_ fields: [String: FieldValue], op: Envelope.Operation = .upsert, entity: String = "scores") -> Envelope {
        Envelope(op: op, system: .campaign, entity: entity, id: "7", modifiedAt: Date(), fields: fields)
    }

    @Test func anExportMessageBecomesARecordWithItsKeyAndReplacementsOrAClearReject() throws {
        let record = try Self.plan.record(Self.envelope(["ext": .string("e-7"), "city": .string("N/A"), "n": .number(JSONNumber(3))])).get()
        #expect(record == CRMExportRecord(rowID: "7", key: "e-7", fields: ["address1_city": .null, "numberofemployees": .number(JSONNumber(3))]))
        #expect(Self.plan.target == CRMExportTarget(
            export: "scores", object: "contacts", operation: .upsert, keyField: "crmb_externalid", alternateKey: true))

        guard case .failure(let missing) = Self.plan.record(Self.envelope(["ext": .null, "city": .string("x")])) else {
            Issue.record("a row without its key was accepted")
            return
        }
        #expect(missing.symbol == "missing-key")
        guard case .failure(let wrongOp) = Self.plan.record(Self.envelope(["ext": .string("e")], op: .delete)) else {
            Issue.record("a delete was accepted by an upsert export")
            return
        }
        #expect(wrongOp.symbol == "unsupported-operation")
        guard case .failure(let wrongEntity) = Self.plan.record(Self.envelope(["ext": .string("e")], entity: "other")) else {
            Issue.record("another export's message was accepted")
            return
        }
        #expect(wrongEntity.symbol == "unknown-entity")
    }

    @Test func anExportEnvelopeCarriesTheKeyAndMappedColumnsOnly() {
        let envelope = Self.plan.envelope(id: 12, values: ["ext": .string("e"), "city": .string("Paris"), "secret": .string("no")], now: Date())
        #expect(envelope.id == "12")
        #expect(envelope.entity == "scores")
        #expect(envelope.fields == ["ext": .string("e"), "city": .string("Paris"), "n": .null])
    }
}

/// An export's conversions and lookups, alone: how a Campaign value becomes what the CRM
/// receives.
@Suite struct ExportMappingRulesTests {
    static let plan = ExportPlan.all(CampaignToCRMConfig(exports: [ExportConfig(
        name: "contacts", source: .table("contacts"), remoteObject: "contacts",
        key: .init(column: "crm_id", remote: "contactid"), mode: .update,
        fields: [.init(column: "born", remote: "birthdate", conversion: .dateOnly),
                 .init(column: "seen", remote: "crmb_lastseen"),
                 .init(column: "account", remote: "parentcustomerid_account", replacements: [.init(from: "none", to: nil)],
                       lookup: .init(target: "accounts"))])]))[0]

    static func envelope(_ fields: [String: FieldValue]) -> Envelope {
        Envelope(op: .upsert, system: .campaign, entity: "contacts", id: "3", modifiedAt: Date(), fields: fields)
    }

    @Test func datesAreConvertedAndLookupsCarryTheLinkedRecordsKey() throws {
        let record = try Self.plan.record(Self.envelope([
            "crm_id": .string("c-1"), "born": .string("1990-05-11T23:30:00-02:00"),
            "seen": .string("2026-03-31T02:30:00.123456+02:00"), "account": .string("a-1"),
        ])).get()
        #expect(record.fields == ["birthdate": .string("1990-05-11"), "crmb_lastseen": .string("2026-03-31T00:30:00.123Z")])
        #expect(record.lookups == ["parentcustomerid_account": CRMExportLookup(target: "accounts", id: "a-1")])

        // A replacement to null clears the link.
        let cleared = try Self.plan.record(Self.envelope(["crm_id": .string("c-1"), "account": .string("none")])).get()
        #expect(cleared.lookups == ["parentcustomerid_account": CRMExportLookup(target: "accounts", id: nil)])
        #expect(cleared.fields == ["birthdate": .null, "crmb_lastseen": .null])
    }

    @Test func aValueItsConversionRefusesIsARejectNamingTheColumn() {
        guard case .failure(let problem) = Self.plan.record(Self.envelope(["crm_id": .string("c-1"), "born": .string("1990-02-30")])) else {
            Issue.record("an impossible date was accepted")
            return
        }
        #expect(problem.symbol == "conversion-failed")
        #expect(problem.message.hasPrefix("born → birthdate: not a valid date"), "\(problem.message)")
        #expect(!problem.message.contains("1990-02-30"), "the message never repeats the value")
    }
}
