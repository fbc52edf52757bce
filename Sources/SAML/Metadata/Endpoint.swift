/// A protocol endpoint from metadata (`SingleSignOnService`, `SingleLogoutService`, …).
public struct Endpoint: Sendable, Hashable, Codable {
    /// The binding URI (see ``SAMLBinding``).
    public var binding: String
    /// Where messages are sent.
    public var location: String
    /// Where responses go, when different from `location` (SLO).
    public var responseLocation: String?

    /// Creates an endpoint.
    public init(binding: String, location: String, responseLocation: String? = nil) {
        self.binding = binding
        self.location = location
        self.responseLocation = responseLocation
    }

    /// Where a response to a message from this endpoint's owner goes: `ResponseLocation`, else
    /// `Location` (Metadata §2.2.2).
    public var responseURL: String { responseLocation ?? location }
}
