import HTTPBridge
import Mapping

extension SalesforceConnector {
    /// A query resolved against the configuration: SOQL parts and paging.
    struct ReadPlan: Sendable {
        var object: String
        var idField: String
        var modifiedField: String
        var usesDefaultModifiedField: Bool
        var fields: [String]
        var userFilter: String?
        var orderBy: [CRMQuery.SortKey]
        var batchSize: Int
        var dataPath: String

        var operation: String { "query \(object)" }

        init(_ query: CRMQuery, configuration: SalesforceConfiguration, fallbacks: FallbackObjects) throws(CRMError) {
            let idField = query.idField ?? "Id"
            let usesDefault = query.modifiedField == nil && !fallbacks.contains(query.remoteObject)
            let modifiedField = query.modifiedField
                ?? (usesDefault ? configuration.modifiedField : configuration.fallbackModifiedField)
            try CRMNames.check(
                system: "salesforce", object: query.remoteObject,
                fields: [idField, modifiedField, configuration.fallbackModifiedField] + query.fields
                    + query.orderBy.map(\.field),
                allowDots: true)
            self.object = query.remoteObject
            self.idField = idField
            self.modifiedField = modifiedField
            self.usesDefaultModifiedField = usesDefault
            self.fields = query.fields
            self.userFilter = query.filter.map { "(" + CRMFilterRenderer.soql.render($0) + ")" }
            self.orderBy = query.orderBy
            self.batchSize = min(max(query.pageSize, 200), 2000)
            self.dataPath = configuration.dataPath
        }

        /// The same plan reading `field` as the last-modified field.
        func withModifiedField(_ field: String) -> ReadPlan {
            var plan = self
            plan.modifiedField = field
            plan.usesDefaultModifiedField = false
            return plan
        }

        /// This plan, or the fallback-field plan once the object is known to need it.
        func applying(_ fallbacks: FallbackObjects, _ configuration: SalesforceConfiguration) -> ReadPlan {
            usesDefaultModifiedField && fallbacks.contains(object)
                ? withModifiedField(configuration.fallbackModifiedField) : self
        }

        /// `SELECT … FROM … WHERE (filter) AND … ORDER BY …`.
        func soql(conditions: [String]) -> String {
            let query = CRMQuery(remoteObject: object, fields: fields, orderBy: orderBy)
            var text = "SELECT " + query.selectedFields(idField: idField, modifiedField: modifiedField)
                .joined(separator: ", ")
            text += " FROM " + object
            let all = (userFilter.map { [$0] } ?? []) + conditions
            if !all.isEmpty { text += " WHERE " + all.joined(separator: " AND ") }
            text += " ORDER BY " + query.effectiveOrder(idField: idField, modifiedField: modifiedField)
                .map(\.soql).joined(separator: ", ")
            return text
        }

        /// `/services/data/vXX.X/<resource>?q=<SOQL>`, a path from the instance root.
        func path(resource: String, conditions: [String]) -> String {
            HTTPRequest.url(dataPath + "/" + resource, query: [("q", soql(conditions: conditions))])
        }
    }
}
