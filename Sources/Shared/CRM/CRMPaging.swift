import Synchronization

/// One page as a connector reads it: the records and where the next page is.
struct CRMPage: Sendable {
    var records: [CRMRecord]
    /// `@odata.nextLink` / `nextRecordsUrl`; nil on the last page.
    var next: String?
}

/// Lazily paged reads. A read is a list of `chunks` (one query, or one query per chunk of
/// ids); each chunk's first page comes from `first`, the following ones from `next` with
/// the link the previous page gave. Nothing is fetched before the consumer asks for an
/// element, and only one page is held at a time.
enum CRMPaging {
    static func stream(
        system: String, operation: String, chunks: Int,
        first: @escaping @Sendable (Int) async throws -> CRMPage,
        next: @escaping @Sendable (String) async throws -> CRMPage
    ) -> CRMPages {
        let cursor = Cursor(chunks: chunks)
        return CRMPages(unfolding: {
            while let step = cursor.take() {
                let page: CRMPage
                switch step {
                case .first(let chunk): page = try await first(chunk)
                case .next(let link): page = try await next(link)
                }
                if case .next(let link) = step, page.next == link {
                    throw CRMError(
                        system: system, code: .malformedResponse, operation: operation,
                        message: "the CRM answered the same next-page link again; paging stopped")
                }
                cursor.advance(to: page.next)
                if !page.records.isEmpty { return page.records }
            }
            return nil
        })
    }

    /// A stream with no page.
    static var empty: CRMPages { CRMPages(unfolding: { nil }) }

    /// A stream that fails at once, for requests refused before any call.
    static func failing(_ error: CRMError) -> CRMPages {
        CRMPages(unfolding: { throw error })
    }

    private final class Cursor: Sendable {
        enum Step: Sendable {
            case first(Int)
            case next(String)
        }

        private struct State {
            var nextChunk = 0
            var link: String?
        }

        private let chunks: Int
        private let state = Mutex(State())

        init(chunks: Int) { self.chunks = chunks }

        func take() -> Step? {
            state.withLock { state in
                if let link = state.link { return .next(link) }
                guard state.nextChunk < chunks else { return nil }
                state.nextChunk += 1
                return .first(state.nextChunk - 1)
            }
        }

        func advance(to link: String?) {
            state.withLock { $0.link = link }
        }
    }
}
