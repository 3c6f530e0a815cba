import CLibPQ

extension PGConnectionHandle {
    /// Runs `COPY … FROM STDIN` and streams `chunks` (already in COPY text format).
    /// Returns the number of rows the server copied.
    func copyIn(_ sql: String, chunks: [[UInt8]]) throws -> Int {
        let pointer = try livePointer(operation: "COPY")
        try Self.rejectNUL(in: sql, operation: "COPY")
        guard let rawStart = PQexec(pointer, sql) else {
            throw PostgresError(code: isBroken ? .connectionLost : .protocolViolation,
                                message: Self.errorMessage(pointer), operation: "COPY")
        }
        let start = PGResult(rawStart)
        guard start.status == PGRES_COPY_IN else {
            if start.status == PGRES_FATAL_ERROR {
                throw start.error(operation: "COPY", connectionBroken: isBroken)
            }
            throw PostgresError(code: .protocolViolation,
                                message: "the statement did not start a COPY FROM STDIN", operation: "COPY")
        }
        var sendFailure: String?
        for chunk in chunks where !chunk.isEmpty {
            let sent = chunk.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(pointer, $0.baseAddress, Int32($0.count)) }
            }
            if sent != 1 {
                sendFailure = Self.errorMessage(pointer)
                break
            }
        }
        if PQputCopyEnd(pointer, sendFailure == nil ? nil : "client failed to send COPY data") != 1 {
            sendFailure = sendFailure ?? Self.errorMessage(pointer)
        }
        var outcome: Result<Int, PostgresError> = .success(0)
        while let raw = PQgetResult(pointer) {
            let result = PGResult(raw)
            if case .success = outcome {
                if result.status == PGRES_COMMAND_OK {
                    outcome = .success(result.affectedRows)
                } else {
                    outcome = .failure(result.error(operation: "COPY", connectionBroken: isBroken))
                }
            }
        }
        if let sendFailure, case .success = outcome {
            throw PostgresError(code: isBroken ? .connectionLost : .protocolViolation,
                                message: sendFailure, operation: "PQputCopyData")
        }
        return try outcome.get()
    }
}
