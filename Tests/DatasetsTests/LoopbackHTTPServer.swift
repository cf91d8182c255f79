#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A one-file HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for download tests.
/// It answers every request with `body` (or with `status` and no body), then closes the connection.
final class LoopbackHTTPServer: @unchecked Sendable {
    // @unchecked: `body` and `status` are set before `start` and only read by the server thread.
    let port: UInt16
    private let listener: Int32
    private let body: [UInt8]
    private let status: Int
    /// Send only this many bytes of the body while announcing all of it (a dropped connection).
    private let truncateAt: Int?

    init(body: [UInt8], status: Int = 200, truncateAt: Int? = nil) throws {
        self.body = body
        self.status = status
        self.truncateAt = truncateAt
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 4) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = UInt16(bigEndian: address.sin_port)
        Thread { [self] in serve() }.start()
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)/cifar-10-binary.tar.gz")! }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 { return }   // closed by stop()
            var request = [UInt8](repeating: 0, count: 4096)
            _ = read(connection, &request, request.count)
            let reason = status == 200 ? "OK" : "Not Found"
            let payload = status == 200 ? body : []
            var response = Array("HTTP/1.1 \(status) \(reason)\r\nContent-Length: \(payload.count)\r\nConnection: close\r\n\r\n".utf8)
            response += payload.prefix(truncateAt ?? payload.count)
            var sent = 0
            while sent < response.count {
                let result = response[sent...].withUnsafeBytes { send(connection, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
                if result <= 0 { break }
                sent += result
            }
            close(connection)
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}
