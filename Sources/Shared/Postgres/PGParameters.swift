import CLibPQ
import Foundation

/// Text-format statement parameters as NUL-terminated C strings, freed in `deinit`.
/// A value holding a NUL byte is refused: libpq would silently cut it there.
final class PGParameters {
    private var pointers: [UnsafePointer<CChar>?]

    init(_ parameters: [String?]) throws {
        pointers = []
        pointers.reserveCapacity(parameters.count)
        for (index, parameter) in parameters.enumerated() {
            guard var parameter else {
                pointers.append(nil)
                continue
            }
            let copy: UnsafeMutablePointer<CChar>? = parameter.withUTF8 { bytes in
                if bytes.contains(0) { return nil }
                let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
                bytes.withMemoryRebound(to: CChar.self) { source in
                    if let base = source.baseAddress { buffer.initialize(from: base, count: source.count) }
                }
                buffer[bytes.count] = 0
                return buffer
            }
            guard let copy else {
                throw PostgresError.invalidArgument(
                    "parameter $\(index + 1) contains a NUL byte", operation: "PQexecParams")
            }
            pointers.append(UnsafePointer(copy))
        }
    }

    deinit {
        for pointer in pointers {
            UnsafeMutablePointer(mutating: pointer)?.deallocate()
        }
    }

    func withPointers<T>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> T) -> T {
        pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
