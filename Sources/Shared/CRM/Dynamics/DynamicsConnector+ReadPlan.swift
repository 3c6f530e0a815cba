import HTTPBridge
import Mapping

extension DynamicsConnector {
    /// A query resolved against the configuration: fields, names and the URL parts.
    struct ReadPlan: Sendable {
        var entitySet: String
        var idField: String
        var modifiedField: String
        var select: [String]
        var orderBy: [String]
        var userFilter: String?
        var pageSize: Int
        var webAPIURL: String
        /// Annotations the query reads as fields (`field@annotation`): asked for with
        /// `Prefer: odata.include-annotations` and kept under those names.
        var annotations: [CRMFieldAnnotation]
        var annotatedFields: Set<String>

        var operation: String { "query \(entitySet)" }

        init(_ query: CRMQuery, configuration: DynamicsConfiguration) throws(CRMError) {
            let idField = query.idField ?? Self.guessIDField(entitySet: query.remoteObject)
            let modifiedField = query.modifiedField ?? configuration.modifiedField
            var fields: [String] = []
            var annotations: [CRMFieldAnnotation] = []
            var annotatedFields: Set<String> = []
            for name in query.fields {
                guard name.contains("@") else { fields.append(name); continue }
                guard let (field, annotation) = CRMFieldAnnotation.parse(name) else {
                    throw CRMError(
                        system: "dynamics", code: .invalidRequest, operation: "query \(query.remoteObject)",
                        message: "'\(name)' names an annotation the connector does not read (known: "
                            + CRMFieldAnnotation.allCases.map(\.rawValue).joined(separator: ", ") + ")")
                }
                fields.append(field)
                annotatedFields.insert(name)
                if !annotations.contains(annotation) { annotations.append(annotation) }
            }
            try CRMNames.check(
                system: "dynamics", object: query.remoteObject,
                fields: [idField, modifiedField] + fields + query.orderBy.map(\.field), allowDots: false)
            self.entitySet = query.remoteObject
            self.idField = idField
            self.modifiedField = modifiedField
            var plain = query
            plain.fields = fields
            self.select = plain.selectedFields(idField: idField, modifiedField: modifiedField)
            self.annotations = annotations
            self.annotatedFields = annotatedFields
            self.orderBy = query.effectiveOrder(idField: idField, modifiedField: modifiedField).map(\.odata)
            self.userFilter = query.filter.map { "(" + CRMFilterRenderer.odata.render($0) + ")" }
            self.pageSize = min(max(query.pageSize, 1), 5000)
            self.webAPIURL = configuration.webAPIURL
        }

        /// `<webapi>/<set>?$select=…&$filter=…&$orderby=…`.
        func url(filter: String?, ordered: Bool = true) -> String {
            var options = [("$select", select.joined(separator: ","))]
            if let filter { options.append(("$filter", filter)) }
            if ordered { options.append(("$orderby", orderBy.joined(separator: ","))) }
            return HTTPRequest.url(webAPIURL + entitySet, query: options)
        }

        /// The primary key by Dataverse's convention (logical name + `id`), from the
        /// entity set name: `contacts` → `contactid`, `opportunities` → `opportunityid`,
        /// `new_addresses` → `new_addressid`. Set `CRMQuery.idField` when it differs.
        static func guessIDField(entitySet: String) -> String {
            var name = entitySet
            if name.hasSuffix("ies") {
                name = String(name.dropLast(3)) + "y"
            } else if ["sses", "xes", "ches", "shes", "zes"].contains(where: { name.hasSuffix($0) }) {
                name = String(name.dropLast(2))
            } else if name.hasSuffix("s") {
                name = String(name.dropLast())
            }
            return name + "id"
        }
    }
}
