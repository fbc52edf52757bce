extension GatehouseConfig {
    /// Whether some IdP may send responses that answer no request: the ACS then accepts a
    /// post without a RelayState of ours and lets that IdP's policy decide.
    public var acceptsUnsolicitedResponses: Bool {
        unsolicitedResponses == .allow || identityProviders.contains { $0.allowUnsolicited == true }
    }
}
