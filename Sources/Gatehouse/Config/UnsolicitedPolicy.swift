/// Whether the ACS accepts IdP-initiated responses that answer no request of ours.
public enum UnsolicitedPolicy: String, Sendable, Equatable, Decodable {
    /// Refuse them (the safe default: they cannot be bound to a browser).
    case reject
    /// Accept them and land the user on `/`.
    case allow
}
