@testable import Config
import Testing

/// crm-to-campaign never maps onto the opt-out columns of profiles: opt-in-out owns them,
/// so the two workflows never fight over `blocklisted` (SPEC §2.3).
@Suite struct OptOutColumnGuardTests {
    @Test func aMappingOntoTheOptOutColumnsOfProfilesIsRefusedNamingTheField() {
        let yaml = """
            entities:
              - name: contact
                fields:
                  - { remote: firstname, column: first_name }
                  - { remote: donotbulkemail, column: blocklisted }
                  - { remote: modifiedon, column: blocklisted_at }
            """
        let found = workflowProblems(yaml, .crmToCampaign)
        #expect(found.map(\.path) == ["entities[0].fields[1].column", "entities[0].fields[2].column"])
        #expect(found.map(\.line) == [5, 6])
        #expect(found.allSatisfy { $0.message.contains("opt-in-out") })
        #expect(found.first?.message.contains(#""blocklisted""#) == true)
    }

    @Test func theOptOutColumnsAreRefusedInEveryRoleOfAProfilesEntity() {
        let yaml = """
            entities:
              - name: people
                remoteObject: contacts
                table: public.PROFILES
                modifiedColumn: blocklisted_at
                deletes: { enabled: true, softDeleteColumn: crmbridge_optout_xid }
                fields:
                  - { remote: firstname, column: first_name }
            """
        #expect(workflowProblems(yaml, .crmToCampaign).map(\.path) == ["entities[0].modifiedColumn", "entities[0].deletes"])
    }

    @Test func theSameColumnNamesOnAnotherTableAreAllowed() throws {
        let yaml = """
            entities:
              - name: lead
                remoteObject: leads
                table: leads
                fields:
                  - { remote: donotbulkemail, column: blocklisted }
            """
        #expect(workflowProblems(yaml, .crmToCampaign).isEmpty)
    }

    @Test func theWholeFileIsRefusedToo() {
        let found = problems(configYAML(workflows: """
              crm-to-campaign:
                entities:
                  - name: contact
                    fields:
                      - { remote: donotbulkemail, column: blocklisted }
            """))
        #expect(found.map(\.path) == ["workflows.crm-to-campaign.entities[0].fields[0].column"])
    }
}
