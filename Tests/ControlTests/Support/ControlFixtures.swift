
/// Configurations used by the control tests.
enum ControlFixtures {
    /// A valid crm-to-campaign section: one entity per name, each in its own table.
    static func crmToCampaign(entities: [String]) -> String {
        var yaml = "entities:\n"
        for entity in entities {
            if entity == "contact" {
                yaml += """
                  - name: contact
                    fields:
                      - { remote: firstname, column: first_name }
                      - { remote: lastname, column: last_name }
                      - { remote: emailaddress1, column: email }

                """
            } else {
                yaml += """
                  - name: \(entity)
                    remoteObject: \(entity)s
                    table: \(entity.replacingOccurrences(of: "-", with: "_"))
                    fields:
                      - { remote: name, column: name }

                """
            }
        }
        return yaml
    }

    /// Three problems at once: an unknown key, a bad conversion, a missing field part.
    static let invalidCRMToCampaign = """
        entities:
          - name: contact
            colour: blue
            fields:
              - { remote: firstname, column: first_name, conversion: sideways }
              - { remote: lastname }
        """
}
