import HTTPTypes
import Synchronization

/// The parts of a ``Gateway`` that a reload may replace, swapped as one value.
///
/// A handler reads one snapshot and uses it for the whole request, so a reload never mixes
/// old access rules with new upstreams inside a single request.
final class GatewayRuntime: Sendable {
    let config: GatehouseConfig
    let loginService: any LoginService
    let proxy: ReverseProxy
    let policy: AccessPolicy
    let forwarded: ForwardedHeaders
    /// Normalized identity header names, deleted from every proxied request.
    let reservedHeaderNames: Set<String>
    /// Identity headers already computed under this configuration, by session.
    let identityFields = IdentityFieldCache()

    init(config: GatehouseConfig, loginService: any LoginService, proxy: ReverseProxy) {
        self.config = config
        self.loginService = loginService
        self.proxy = proxy
        self.policy = AccessPolicy(config: config)
        self.reservedHeaderNames = IdentityHeaders.reservedNames(settings: config.identityHeaders)
        self.forwarded = ForwardedHeaders(trustedProxies: config.trustedProxies.compactMap(IPAddressRange.init))
    }
}

/// The identity headers of recently seen sessions, computed once under one configuration.
///
/// A session's identity changes only in its SCIM groups (``ProvisioningLink/groups``, which a
/// group change rewrites in the store), so an entry holds the groups it was computed with and
/// is used only while the session still has them; anything else stays the same until a reload
/// (which brings a new runtime and a new, empty cache). Entries are keyed by the session ID's
/// hash and are only read for a session the store has just confirmed live.
final class IdentityFieldCache: Sendable {
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    private struct Entry {
        var provisionedGroups: [String]?
        var fields: [HTTPField]
    }

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// The identity headers for the session `key` whose SCIM groups are `provisionedGroups`,
    /// computed by `make` when not cached with those groups.
    func fields(for key: String, provisionedGroups: [String]?, make: () -> [HTTPField]) -> [HTTPField] {
        if let cached = entries.withLock({ $0[key] }), cached.provisionedGroups == provisionedGroups { return cached.fields }
        let fields = make()
        entries.withLock { entries in
            if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(provisionedGroups: provisionedGroups, fields: fields)
        }
        return fields
    }
}
