import Foundation
import Hummingbird

/// The metadata a connector discovers tables with: the service document, `$metadata`
/// (a small CSDL), `WhoAmI`, and `EntityDefinitions` with their `Attributes`.
enum DynamicsMetadata {
    static func answer(_ path: DynamicsResourcePath, request: DynamicsWebRequest, organization: DynamicsOrganization) throws(DynamicsError) -> DynamicsWebResponse {
        let root = request.serviceRoot
        let entities = organization.tables.values.map(\.definition).sorted { $0.logicalName < $1.logicalName }
        switch path {
        case .serviceDocument:
            return json([
                "@odata.context": "\(root)$metadata",
                "value": entities.map { ["name": $0.entitySetName, "kind": "EntitySet", "url": $0.entitySetName] },
            ])
        case .metadata:
            return DynamicsWebResponse(
                status: .ok, headers: [("Content-Type", "application/xml"), ("OData-Version", "4.0")],
                body: ByteBuffer(string: csdl(entities)))
        case .whoAmI:
            return json([
                "@odata.context": "\(root)$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse",
                "BusinessUnitId": stableId("businessunit").dynamicsString,
                "UserId": stableId("user").dynamicsString,
                "OrganizationId": stableId("organization").dynamicsString,
            ])
        case .entityDefinitions(nil, _):
            return json(["@odata.context": "\(root)$metadata#EntityDefinitions", "value": entities.map(entityJSON)])
        case .entityDefinitions(let name?, let attributes):
            guard let entity = entities.first(where: { $0.logicalName == name }) else {
                throw DynamicsError(.notFound, code: "0x80040217", "Could not find entity with name '\(name)'.")
            }
            if attributes {
                return json([
                    "@odata.context": "\(root)$metadata#EntityDefinitions('\(name)')/Attributes",
                    "value": entity.fields.map { attributeJSON($0, entity: entity) },
                ])
            }
            var object = entityJSON(entity)
            object["@odata.context"] = "\(root)$metadata#EntityDefinitions/$entity"
            return json(object)
        default:
            throw .segmentNotFound(request.path)
        }
    }

    private static func entityJSON(_ entity: DynamicsEntityDefinition) -> [String: Any] {
        [
            "LogicalName": entity.logicalName, "EntitySetName": entity.entitySetName,
            "PrimaryIdAttribute": entity.primaryKey, "PrimaryNameAttribute": entity.primaryName,
            "ChangeTrackingEnabled": entity.changeTrackingEnabled, "IsActivity": entity.isActivity,
            "IsCustomEntity": entity.logicalName.contains("_"),
            "MetadataId": stableId("entity:" + entity.logicalName).dynamicsString,
            "Keys": entity.alternateKeys.sorted { $0.key < $1.key }.map { ["LogicalName": $0.key, "KeyAttributes": $0.value] },
        ]
    }

    private static func attributeJSON(_ field: DynamicsFieldDefinition, entity: DynamicsEntityDefinition) -> [String: Any] {
        var object: [String: Any] = [
            "LogicalName": field.name, "AttributeType": field.type.attributeType,
            "IsPrimaryId": field.name == entity.primaryKey, "IsValidForRead": true,
            "IsValidForCreate": !field.isReadOnly, "IsValidForUpdate": !field.isReadOnly && field.name != entity.primaryKey,
            "RequiredLevel": ["Value": field.isRequired ? "ApplicationRequired" : "None"],
            "MetadataId": stableId("attribute:\(entity.logicalName).\(field.name)").dynamicsString,
        ]
        if field.type == .dateOnly { object["Format"] = "DateOnly" }
        if let maxLength = field.type.maxLength { object["MaxLength"] = maxLength }
        if case .lookup(let targets) = field.type { object["Targets"] = targets }
        if case .picklist(_, let options) = field.type {
            object["OptionSet"] = ["Options": options.keys.sorted().map { ["Value": $0, "Label": options[$0] ?? ""] }]
        }
        return object
    }

    private static func csdl(_ entities: [DynamicsEntityDefinition]) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\"><edmx:DataServices><Schema Namespace=\"Microsoft.Dynamics.CRM\" Alias=\"mscrm\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">"
        for entity in entities {
            xml += "<EntityType Name=\"\(entity.logicalName)\"><Key><PropertyRef Name=\"\(entity.primaryKey)\" /></Key>"
            for field in entity.fields {
                xml += "<Property Name=\"\(field.wireName)\" Type=\"\(field.type.edmType)\""
                if let maxLength = field.type.maxLength { xml += " MaxLength=\"\(maxLength)\"" }
                xml += " />"
            }
            xml += "</EntityType>"
        }
        xml += "<EntityContainer Name=\"System\">"
        for entity in entities {
            xml += "<EntitySet Name=\"\(entity.entitySetName)\" EntityType=\"Microsoft.Dynamics.CRM.\(entity.logicalName)\" />"
        }
        return xml + "</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>"
    }

    private static func json(_ object: [String: Any]) -> DynamicsWebResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return .json(ByteBuffer(bytes: data))
    }

    /// A GUID that is the same on every run for the same name.
    static func stableId(_ name: String) -> UUID {
        var random = DynamicsRandom(seed: StableHash.fnv1a(name))
        return random.uuid()
    }
}
