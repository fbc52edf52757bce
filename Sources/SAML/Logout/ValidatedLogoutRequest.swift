/// An IdP's LogoutRequest that passed every check: end the sessions it names, then answer it
/// with ``LogoutBuilder/response(to:status:now:id:)``.
public struct ValidatedLogoutRequest: Sendable {
    /// The request, read only from the verified element; an EncryptedID is already decrypted
    /// into ``LogoutRequest/nameID`` and its attributes.
    public let request: LogoutRequest
    /// The registered IdP that sent and signed it.
    public let identityProvider: IdentityProvider
    /// The binding it arrived by.
    public let binding: InboundLogoutMessage.Binding
    /// RelayState to send back unchanged (Bindings §3.4.3, §3.5.3).
    public let relayState: String?
}
