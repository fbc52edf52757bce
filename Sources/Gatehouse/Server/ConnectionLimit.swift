import NIOCore
import Synchronization

/// Counts open client connections and turns away those beyond the configured number.
final class ConnectionLimit: Sendable {
    let maximum: Int
    private let open = Atomic<Int>(0)

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// The connections open now.
    var count: Int { open.load(ordering: .relaxed) }

    /// Admits `channel` when there is room (and counts it until it closes); otherwise
    /// answers 503 and closes it. Returns whether it was admitted.
    func admit(_ channel: any Channel) -> Bool {
        let now = open.add(1, ordering: .relaxed).newValue
        channel.closeFuture.whenComplete { [self] _ in _ = open.subtract(1, ordering: .relaxed) }
        guard now > maximum else { return true }
        let answer = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\nRetry-After: 1\r\n\r\n"
        channel.writeAndFlush(ByteBuffer(string: answer)).whenComplete { _ in channel.close(promise: nil) }
        return false
    }
}
