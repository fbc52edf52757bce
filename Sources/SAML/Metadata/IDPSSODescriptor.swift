/// The IdP role of a metadata entity (Metadata §2.4.3).
public struct IDPSSODescriptor: Sendable, Hashable {
    /// Certificates whose keys may sign (use `signing` or no `use`), in document order.
    public var signingCertificates: [CertificateInfo]
    /// Certificates whose keys may encrypt (use `encryption` or no `use`).
    public var encryptionCertificates: [CertificateInfo]
    /// `SingleSignOnService` endpoints.
    public var singleSignOnServices: [Endpoint]
    /// `SingleLogoutService` endpoints.
    public var singleLogoutServices: [Endpoint]
    /// `NameIDFormat` values, in document order.
    public var nameIDFormats: [String]
    /// `WantAuthnRequestsSigned` (false when absent).
    public var wantAuthnRequestsSigned: Bool
    /// `mdui:UIInfo/mdui:DisplayName` (English preferred), for the IdP chooser.
    public var displayName: String?
    /// Email domains this IdP serves: `mdui:DiscoHints/mdui:DomainHint` and `shibmd:Scope`.
    public var domainHints: [String] = []

    /// Creates a descriptor.
    public init(
        signingCertificates: [CertificateInfo] = [], encryptionCertificates: [CertificateInfo] = [],
        singleSignOnServices: [Endpoint] = [], singleLogoutServices: [Endpoint] = [],
        nameIDFormats: [String] = [], wantAuthnRequestsSigned: Bool = false
    ) {
        self.signingCertificates = signingCertificates
        self.encryptionCertificates = encryptionCertificates
        self.singleSignOnServices = singleSignOnServices
        self.singleLogoutServices = singleLogoutServices
        self.nameIDFormats = nameIDFormats
        self.wantAuthnRequestsSigned = wantAuthnRequestsSigned
    }

    /// The first SingleSignOnService with `binding`.
    public func singleSignOnService(binding: String) -> Endpoint? {
        singleSignOnServices.first { $0.binding == binding }
    }

    /// The first SingleLogoutService with `binding`.
    public func singleLogoutService(binding: String) -> Endpoint? {
        singleLogoutServices.first { $0.binding == binding }
    }
}
