import Synchronization

/// Holds the current ``GatewayRuntime`` and every proxy a reload replaced.
///
/// Replaced proxies stay open: requests that started before the reload may still be
/// streaming through them. They are closed with the gateway.
final class GatewayRuntimeStore: Sendable {
    private struct State {
        var current: GatewayRuntime
        var retired: [ReverseProxy] = []
    }

    private let state: Mutex<State>

    init(_ runtime: GatewayRuntime) {
        state = Mutex(State(current: runtime))
    }

    /// The snapshot new requests use.
    var current: GatewayRuntime { state.withLock { $0.current } }

    /// Makes `runtime` current for new requests.
    func replace(with runtime: GatewayRuntime) {
        state.withLock { state in
            if state.current.proxy !== runtime.proxy { state.retired.append(state.current.proxy) }
            state.current = runtime
        }
    }

    /// Every proxy, current and retired, for shutdown.
    var allProxies: [ReverseProxy] { state.withLock { [$0.current.proxy] + $0.retired } }
}
