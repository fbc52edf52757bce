import Foundation
public import Prometheus
import Synchronization

/// The gateway's Prometheus metrics, served at `/metrics`.
public struct GatehouseMetrics: Sendable {
    /// The registry the metrics live in; `/metrics` renders it.
    public let registry: PrometheusCollectorRegistry
    private let activeSessions: Gauge
    private let upstreamLatency: DurationHistogram
    private let eventLoopForwards: Counter
    private let proxiedByStatus = CounterCache()
    private let refusedByStatus = CounterCache()
    private let scimRequests = LabelledCounterCache()
    private let scimUsers: Gauge
    private let scimActiveUsers: Gauge
    /// The `validUntil` of each metadata source's copy in use (`distantFuture` when it names none).
    let metadataExpiries = ExpiryTable()
    /// The earliest `validUntil` of each metadata file or source in the running IdP registry.
    let registryExpiries = ExpiryTable()

    /// Metrics registered in `registry`.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        activeSessions = registry.makeGauge(
            descriptor: .init(
                namespace: "gatehouse", metricName: "active_sessions", unitName: "", helpText: "Live sessions in the store."))
        scimUsers = registry.makeGauge(
            descriptor: .init(namespace: "gatehouse", metricName: "scim_users", unitName: "", helpText: "Users provisioned over SCIM."))
        scimActiveUsers = registry.makeGauge(
            descriptor: .init(
                namespace: "gatehouse", metricName: "scim_active_users", unitName: "",
                helpText: "Users provisioned over SCIM whose active attribute is true."))
        eventLoopForwards = registry.makeCounter(
            descriptor: .init(
                namespace: "gatehouse", metricName: "event_loop_forwards", unitName: "total",
                helpText: "Requests forwarded upstream by the event-loop exchange (every proxied request)."))
        upstreamLatency = registry.makeDurationHistogram(
            descriptor: .init(
                namespace: "gatehouse", metricName: "upstream_latency", unitName: "seconds",
                helpText: "Time from forwarding a request to the upstream's response head."),
            buckets: [
                .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
            ]
        )
    }

    /// Counts a login by outcome (`success` or `failure`) and failure code (empty on success).
    public func login(outcome: String, code: String = "") {
        registry.makeCounter(
            descriptor: .init(
                namespace: "gatehouse", metricName: "logins", unitName: "total", helpText: "Logins by outcome and failure code."),
            labels: [("outcome", outcome), ("code", code)]
        ).increment()
    }

    /// Counts a proxied request by the status returned to the client.
    public func proxied(status: Int) {
        count(status, in: proxiedByStatus, metric: "proxied_requests", help: "Requests forwarded upstream, by response status.")
    }

    /// Counts a request the gateway refused instead of forwarding (400, 401, 403, 404,
    /// login redirects), by status.
    public func refused(status: Int) {
        count(
            status, in: refusedByStatus, metric: "refused_requests",
            help: "Requests refused at the door instead of forwarded, by response status.")
    }

    private func count(_ status: Int, in cache: CounterCache, metric: String, help: String) {
        cache.counter(status) {
            registry.makeCounter(
                descriptor: .init(namespace: "gatehouse", metricName: metric, unitName: "total", helpText: help),
                labels: [("status", String(status))]
            )
        }.increment()
    }

    /// Counts a SCIM request by endpoint (such as `Users/{id}`) and response status.
    public func scimRequest(endpoint: String, status: Int) {
        scimRequests.counter("\(endpoint) \(status)") {
            registry.makeCounter(
                descriptor: .init(
                    namespace: "gatehouse", metricName: "scim_requests", unitName: "total",
                    helpText: "SCIM requests by endpoint and response status."),
                labels: [("endpoint", endpoint), ("status", String(status))]
            )
        }.increment()
    }

    /// Sets the provisioned-user gauges: every user, and those whose `active` is true.
    public func setSCIMUsers(_ users: Int, active: Int) {
        scimUsers.set(to: Double(users))
        scimActiveUsers.set(to: Double(active))
    }

    /// Counts a request forwarded upstream by an exchange.
    public func forwardedOnEventLoop() {
        eventLoopForwards.increment()
    }

    /// Records how long the upstream took to answer.
    public func upstreamLatency(_ duration: Duration) {
        upstreamLatency.record(duration)
    }

    /// Sets the live-session gauge.
    public func setActiveSessions(_ count: Int) {
        activeSessions.set(to: Double(count))
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> String {
        registry.emitToString()
    }
}

/// Counters already registered, by an integer label, so the hot path skips the registry's
/// name formatting and lookup.
final class CounterCache: Sendable {
    private let counters = Mutex<[Int: Counter]>([:])

    func counter(_ key: Int, make: () -> Counter) -> Counter {
        if let counter = counters.withLock({ $0[key] }) { return counter }
        let counter = make()
        counters.withLock { $0[key] = counter }
        return counter
    }
}

/// Counters already registered, by their labels written as one string.
final class LabelledCounterCache: Sendable {
    private let counters = Mutex<[String: Counter]>([:])

    func counter(_ key: String, make: () -> Counter) -> Counter {
        if let counter = counters.withLock({ $0[key] }) { return counter }
        let counter = make()
        counters.withLock { $0[key] = counter }
        return counter
    }
}

/// Dates by name behind a lock, shared by every copy of the metrics.
final class ExpiryTable: Sendable {
    private let dates = Mutex<[String: Date]>([:])

    func withLock<Result>(_ body: (inout [String: Date]) -> Result) -> Result {
        dates.withLock { body(&$0) }
    }
}
