/// Why the upstream gave no response.
public enum ProxyFailure: Error, Sendable, Equatable {
    /// The upstream did not connect or answer in time (504).
    case timeout(upstream: String)
    /// The upstream refused the connection or broke it (502).
    case unreachable(upstream: String, reason: String)

    /// The status the client receives.
    public var status: Int {
        switch self {
        case .timeout: 504
        case .unreachable: 502
        }
    }
}
