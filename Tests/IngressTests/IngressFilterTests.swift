import Config
import Foundation
import Mapping
import TestSupport
import Testing

extension IngressEndToEnd {
    /// Filters (SPEC §2.1): every rule broken is refused with the rule named, and a valid
    /// filter, translated to OData `$filter` / SOQL `WHERE`, imports exactly what matches.
    @Suite struct IngressFilterTests {
        struct BrokenRule: Sendable, CustomTestStringConvertible {
            var rule: FilterRule
            var filter: String
            var allowStrings = false
            var testDescription: String { rule.rawValue }
        }

        static let brokenRules: [BrokenRule] = [
            BrokenRule(rule: .syntax, filter: "(statecode eq 0"),
            BrokenRule(rule: .mixedOperators, filter: "statecode eq 0 and statecode eq 1 or statecode eq 2"),
            BrokenRule(rule: .andNot, filter: "statecode eq 0 and not (birthdate eq null)"),
            BrokenRule(rule: .rightSideNotNullOrNumber, filter: "statecode eq statuscode"),
            BrokenRule(rule: .leftSideNotSingleField, filter: "0 eq statecode"),
            BrokenRule(rule: .noJoins, filter: "parentcustomerid/name eq null"),
            BrokenRule(rule: .stringComparisonNotAllowed, filter: "lastname eq 'Smith'"),
            BrokenRule(rule: .stringOperatorNotAllowed, filter: "lastname gt 'Smith'", allowStrings: true),
            BrokenRule(rule: .nullOperatorNotAllowed, filter: "birthdate gt null"),
            BrokenRule(rule: .unsupportedFunction, filter: "contains(lastname,'mit')", allowStrings: true),
        ]

        /// The stored configuration breaks the rule (the file the process reads is valid):
        /// the role checks its version at start and the workflow turns FAILED naming the rule.
        @Test(arguments: brokenRules)
        func aFilterBreakingARuleFailsTheWorkflowNamingTheRule(_ broken: BrokenRule) async throws {
            let valid = TestEntity.contact(.dynamics).with { $0.deletes = false }
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: TestEntity.workflow([valid]))
            let invalid = valid.with { entity in
                entity.extra = ["filter: \(yamlQuoted(broken.filter))"] + (broken.allowStrings ? ["allowStringComparisons: true"] : [])
            }
            try await stack.startWorkflow(.crmToCampaign, yaml: "entities:\n" + invalid.yaml)
            let roles = IngressRoles(stack: stack)
            try roles.addReader()
            defer { roles.stop() }

            let beat = try await stack.waitForRole(.crmToCampaign, "reader", .failed, timeout: .seconds(30))
            let error = beat.lastError ?? ""
            #expect(error.contains("breaks rule \(broken.rule.rawValue)"), "last error: \(error)")
            #expect(error.contains("entities[0].filter"), "last error: \(error)")
            let status = try #require(try await stack.status(.crmToCampaign))
            #expect(status.status == .failed)
            #expect(status.reason?.contains(broken.rule.rawValue) == true, "\(status.reason ?? "")")
            #expect(try await stack.count("SELECT count(*) FROM profiles") == 0)
        }

        /// The same filter in crmbridge.yaml stops the role process before it starts, with the rule named.
        @Test func aFilterBreakingARuleInTheFileStopsTheRoleAtStart() async throws {
            let entity = TestEntity.contact(.dynamics).with { $0.extra = ["filter: \"statecode eq 0 and not (birthdate eq null)\""] }
            let stack = try await TestStack.start(crm: .dynamics, workflowsYAML: TestEntity.workflow([entity]))
            let reader = try stack.spawn("IngressService", ["reader"])
            try await eventually("the reader to exit") { !reader.isRunning }
            #expect(reader.log.contains("breaks rule and-not"), "\(reader.log.suffix(2000))")
            #expect(reader.log.contains("entities[0].filter"))
        }

        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func aValidFilterImportsExactlyTheMatchingRecords(crm: CRMKind) async throws {
            let (filter, fields): (String, [String]) = crm == .dynamics
                ? ("statecode eq 0 and birthdate ne null", ["statecode", "birthdate"])
                : ("HasOptedOutOfEmail eq false and Birthdate ne null", ["HasOptedOutOfEmail", "Birthdate"])
            let entity = TestEntity.contact(crm).with { $0.extra = ["filter: \(yamlQuoted(filter))"] }
            let stack = try await TestStack.start(crm: crm, workflowsYAML: TestEntity.workflow([entity]))
            try await stack.seed(entity.remoteObject, count: 1_000)
            let all = try await stack.crmAPI.records(entity.remoteObject, idField: entity.remoteId, fields: fields)
            let matching = Set(all.filter { _, record in
                let first = record[fields[0]]
                let firstMatches = crm == .dynamics ? first == .number(0) : first == .bool(false)
                return firstMatches && record[fields[1]] != nil && record[fields[1]] != .null
            }.keys)
            #expect(matching.count > 100 && matching.count < all.count - 100, "the seed gives both kinds")

            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            try await roles.waitUntilSynced([entity])
            let rows = try await stack.query("SELECT crm_id FROM profiles")
            let imported = Set(rows.compactMap { $0["crm_id"] })
            #expect(imported == matching, "\(imported.subtracting(matching).count) extra, \(matching.subtracting(imported).count) missing")
        }

        /// `deleteWhenFilteredOut`: a record changed so that it no longer matches is deleted
        /// from Campaign; the records still matching stay.
        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func aRecordLeavingTheFilterIsDeletedWhenTheToggleSaysSo(crm: CRMKind) async throws {
            let field = crm == .dynamics ? "donotbulkemail" : "HasOptedOutOfEmail"
            let entity = TestEntity.contact(crm).with {
                $0.extra = ["filter: \"\(field) eq false\"", "deletes: { enabled: true, deleteWhenFilteredOut: true }"]
                $0.deletes = false
            }
            let stack = try await TestStack.start(crm: crm, workflowsYAML: TestEntity.workflow([entity]))
            var ids: [String] = []
            for index in 1...3 {
                var fields = TestRecords.contact(crm, first: "Filtered", last: "Out \(index)", email: nil)
                fields[field] = false
                ids.append(try await stack.crmAPI.create(entity.remoteObject, fields))
            }
            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            try await roles.waitForRows(entity, 3)
            try await stack.crmAPI.update(entity.remoteObject, id: ids[0], [field: true])
            try await roles.waitUntil("the record that left the filter to go") { try await stack.rowCount(entity, ids: [ids[0]]) == 0 }
            #expect(try await stack.rowCount(entity, ids: Array(ids.dropFirst())) == 2)
        }

        /// With `allowStringComparisons`, literals holding quotes and the metacharacters of
        /// SQL, OData, SOQL, LIKE and URLs match literally, nothing more.
        @Test(arguments: [CRMKind.dynamics, .salesforce])
        func stringLiteralsWithQuotesAndMetacharactersMatchLiterally(crm: CRMKind) async throws {
            let last = TestRecords.lastNameField(crm)
            let filter = [
                "\(last) eq 'O''Brien'", "startswith(\(last),'100%')", "startswith(\(last),'a_b')",
                "\(last) eq 'back\\slash'", "\(last) eq 'amp & hash # plus+'", "\(last) eq 'x'' or 1 eq 1 or ''y'",
            ].joined(separator: " or ")
            let entity = TestEntity.contact(crm).with {
                $0.extra = ["filter: \(yamlQuoted(filter))", "allowStringComparisons: true"]
                $0.deletes = false
            }
            let stack = try await TestStack.start(crm: crm, workflowsYAML: TestEntity.workflow([entity]))
            let wanted = ["O'Brien", "100% Pure", "a_b one", "back\\slash", "amp & hash # plus+", "x' or 1 eq 1 or 'y"]
            let decoys = ["OBrien", "O''Brien", "100x Pure", "a-b one", "aXb", "back\\\\slash", "amp ", "x", "y"]
            var ids: [String: String] = [:]
            for name in wanted + decoys {
                ids[name] = try await stack.crmAPI.create(entity.remoteObject, TestRecords.contact(crm, first: "Meta", last: name, email: nil))
            }
            let roles = try await IngressRoles.start(stack)
            defer { roles.stop() }
            try await roles.waitUntilSynced([entity])
            let rows = try await stack.query("SELECT last_name FROM profiles")
            let imported = Set(rows.compactMap { $0["last_name"] })
            #expect(imported == Set(wanted), "extra: \(imported.subtracting(wanted).sorted()), missing: \(Set(wanted).subtracting(imported).sorted())")
        }
    }
}

/// A YAML double-quoted scalar.
func yamlQuoted(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}
