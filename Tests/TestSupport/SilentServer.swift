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
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard listener >= 0, bound == 0, listen(listener, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = UInt16(bigEndian: address.sin_port)
    }

    public var url: URL { URL(string: "http://127.0.0.1:\(port)/cifar-10-binary.tar.gz")! }

    public func stop() { close(listener) }
}
