extension InboundLogoutMessage {
    /// The Issuer the message names, as sent: unverified, good only for choosing whose
    /// metadata to look up before ``LogoutValidator`` checks the message against it.
    public var claimedIssuer: String? {
        LogoutRequest.issuer(of: element)
    }
}
