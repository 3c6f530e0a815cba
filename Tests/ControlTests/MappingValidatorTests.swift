import CRMConnectors
import Config
@testable import ControlService
import Testing

/// An unknown name is reported where the operator wrote it.
@Suite struct MappingValidatorTests {
    let workflow: CRMToCampaignConfig = {
        let yaml = """
            entities:
              - name: contact
                remoteObject: Contact
                remoteId: Id
                table: profiles
                orderBy: LastName desc
                fields:
                  - { remote: FirstName, column: first_name }
                  - { remote: Nope__c, column: email }
            """
        guard case .crmToCampaign(let config)? = try? WorkflowConfig.parse(yaml: yaml, workflow: .crmToCampaign, crm: .salesforce) else {
            return CRMToCampaignConfig()
        }
        return config
    }()

    @Test func eachUnknownNameIsPlacedWhereItIsWritten() {
        #expect(workflow.entities.count == 1)
        func path(_ field: String?) -> String {
            MappingValidator.path(of: .init(entity: "contact", remoteObject: "Contact", field: field), in: workflow)
        }
        #expect(path(nil) == "entities[0].remoteObject")
        #expect(path("Nope__c") == "entities[0].fields[1].remote")
        #expect(path("Id") == "entities[0].remoteId")
        #expect(path("SystemModstamp") == "entities[0].lastModified")
        #expect(path("LastName") == "entities[0].orderBy")
    }
}
