#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A port on 127.0.0.1 that takes connections (into its backlog) and never answers: a download
/// from it waits as one over a stalled network does. The "slow source" of the cancellation
/// tests (no internet, no other process).
public final class SilentServer: @unchecked Sendable {   // immutable after init
    public let port: UInt16
    private let listener: Int32

    public init() throws {
        (listener, port) = try listenOnLoopback(backlog: 8)
    }

    public var url: URL { URL(string: "http://127.0.0.1:\(port)/cifar-10-binary.tar.gz")! }

    public func stop() { close(listener) }
}
