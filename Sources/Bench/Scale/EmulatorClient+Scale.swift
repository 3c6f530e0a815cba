import HTTPBridge

extension EmulatorClient {
    /// `DELETE contacts(<id>)`; true on 204.
    func deleteContact(_ id: String, token: String) async throws -> Bool {
        let response = try await http.execute(HTTPRequest(
            method: "DELETE", url: webAPIURL + "contacts(\(id))",
            headers: [
                "Authorization": "Bearer \(token)", "OData-MaxVersion": "4.0", "OData-Version": "4.0",
            ],
            timeout: .seconds(30)))
        return response.status == 204
    }
}
