import CoreValues
import Foundation
import Hummingbird
import Synchronization

/// Runs a `$batch` against the organisation and writes Dataverse's multipart answer:
/// one `application/http` part per operation under `--batchresponse_<id>`, in request
/// order; changesets are atomic (all or nothing) and answered as nested
/// `changesetresponse_<id>` parts, or by the single failing operation's part.
/// Without `Prefer: odata.continue-on-error` the first failure ends the batch and the
/// outer answer is that operation's own 4xx/5xx (status, headers, error body), as
/// Dataverse answers: operations before it stay applied, none after it runs.
enum DynamicsBatchExecutor {
    static func run(
        _ batch: DynamicsBatchRequest, continueOnError: Bool, organization: borrowing Mutex<DynamicsOrganization>
    ) -> DynamicsWebResponse {
        let boundary = "batchresponse_" + UUID().uuidString.lowercased()
        var out = ""
        var served = 0
        for item in batch.items {
            switch item {
            case .single(let part):
                let response = organization.withLock { DynamicsEngine.execute(part.request, in: &$0, now: CivilCalendar.nowWholeSeconds()).finished }
                served += response.recordsServed
                if response.status.code >= 400, !continueOnError { return stopped(response, served: served) }
                out += "--\(boundary)\r\n"
                write(response, contentId: part.contentId, into: &out)
            case .changeset(let parts):
                let result = organization.withLock { runChangeset(parts, in: &$0) }
                if case .failure(let failure) = result, !continueOnError { return stopped(failure.response, served: served) }
                out += "--\(boundary)\r\n"
                switch result {
                case .success(let responses):
                    let inner = "changesetresponse_" + UUID().uuidString.lowercased()
                    out += "Content-Type: multipart/mixed; boundary=\(inner)\r\n\r\n"
                    for (part, response) in zip(parts, responses) {
                        out += "--\(inner)\r\n"
                        write(response, contentId: part.contentId, into: &out)
                    }
                    out += "--\(inner)--\r\n"
                case .failure(let failure):
                    write(failure.response, contentId: failure.contentId, into: &out)
                }
            }
        }
        out += "--\(boundary)--\r\n"
        var response = DynamicsWebResponse(
            status: .ok, headers: [("Content-Type", "multipart/mixed; boundary=\(boundary)"), ("OData-Version", "4.0")],
            body: ByteBuffer(string: out))
        response.recordsServed = served
        return response
    }

    /// The outer answer of a batch stopped by a failing operation: that operation's answer.
    private static func stopped(_ failure: DynamicsWebResponse, served: Int) -> DynamicsWebResponse {
        var response = failure
        response.recordsServed = served
        return response
    }

    struct ChangesetFailure: Error {
        var response: DynamicsWebResponse
        var contentId: String?
    }

    /// Runs every operation of a changeset; on the first failure restores the
    /// organisation as it was before the changeset.
    private static func runChangeset(_ parts: [DynamicsBatchRequest.Part], in organization: inout DynamicsOrganization) -> Result<[DynamicsWebResponse], ChangesetFailure> {
        let before = organization
        var responses: [DynamicsWebResponse] = []
        var references: [String: String] = [:]
        for part in parts {
            var request = part.request
            resolveReferences(&request, references)
            let response = DynamicsEngine.execute(request, in: &organization, now: CivilCalendar.nowWholeSeconds()).finished
            if response.status.code >= 400 {
                organization = before
                return .failure(ChangesetFailure(response: response, contentId: part.contentId))
            }
            if let id = part.contentId, let entityId = response.headers.first(where: { $0.0 == "OData-EntityId" })?.1 {
                references[id] = entityId
            }
            responses.append(response)
        }
        return .success(responses)
    }

    /// `$1` in a URL or a bind value stands for the entity created by Content-ID 1.
    private static func resolveReferences(_ request: inout DynamicsWebRequest, _ references: [String: String]) {
        guard !references.isEmpty else { return }
        if request.path.hasPrefix("$"), let id = references[String(request.path.dropFirst().prefix { $0 != "/" })] {
            let rest = request.path.drop { $0 != "/" }
            request.path = DynamicsWebRequest.split(target: id).path + rest
        }
        var body = String(decoding: request.body, as: UTF8.self)
        for (id, url) in references {
            let relative = "/" + DynamicsWebRequest.split(target: url).path
            body = body.replacingOccurrences(of: "\"$\(id)\"", with: "\"\(relative)\"")
        }
        request.body = Array(body.utf8)
    }

    private static func write(_ response: DynamicsWebResponse, contentId: String?, into out: inout String) {
        out += "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n"
        if let contentId { out += "Content-ID: \(contentId)\r\n" }
        out += "\r\nHTTP/1.1 \(response.status.code) \(response.status.reasonPhrase)\r\n"
        for (name, value) in response.headers { out += "\(name): \(value)\r\n" }
        if let entityId = response.headers.first(where: { $0.0 == "OData-EntityId" })?.1 {
            out += "Location: \(entityId)\r\n"
        }
        out += "\r\n"
        out += String(buffer: response.body)
        out += "\r\n"
    }
}
