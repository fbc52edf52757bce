import Crypto
import CryptoExtras
import Foundation
import Gatehouse
import SAML
import XMLSecurity

/// Two registered IdPs whose responses the tests write, sign (and encrypt) themselves, so a
/// response from one differs from the other's only by its Issuer and signing key:
/// `https://a.example/idp` signs with `keys/idp-rsa`, `https://b.example/idp` with
/// `keys/idp-rsa2`. Neither metadata asks for signed AuthnRequests.
enum PolicyIdPs {
    static let instant = SAMLInstant.parse("2026-06-01T12:00:00Z")!
    static let a = "https://a.example/idp"
    static let b = "https://b.example/idp"
    static let requestID = "_req-policy-7f3e"
    static let externalURL = "https://sp.example.com"
    static let acsURL = "https://sp.example.com/saml/acs"
    static let audience = "https://sp.example.com/saml/metadata"
    static let password = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
    static let multiFactor = "http://schemas.microsoft.com/claims/multipleauthn"

    /// What a test varies in a response.
    struct Content {
        var inResponseTo: String? = PolicyIdPs.requestID
        var authnContext = PolicyIdPs.password
        var nameID = "ada@example.com"
        var notOnOrAfter = PolicyIdPs.instant.addingTimeInterval(300)
    }

    static func keyFile(_ idp: String) -> String { idp == a ? "keys/idp-rsa" : "keys/idp-rsa2" }

    static func text(_ fixture: String) throws -> String {
        try String(contentsOfFile: TestPaths.fixture(fixture), encoding: .utf8)
    }

    static func signingKey(_ idp: String) throws -> SigningKey {
        try SigningKey(privateKeyPEM: try text(keyFile(idp) + ".key"))
    }

    static func metadata(_ idp: String) throws -> String {
        let certificate = try text(keyFile(idp) + ".crt").split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return """
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="\(idp)">\
            <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\
            <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>\
            <ds:X509Certificate>\(certificate)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\
            <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="\(idp)/sso"/>\
            </md:IDPSSODescriptor></md:EntityDescriptor>
            """
    }

    /// The gateway configuration the services below use, with `settings` as its `idps`.
    static func config(_ settings: [IdentityProviderSettings]) -> GatehouseConfig {
        var config = GatehouseConfig(externalURL: externalURL, upstreams: [.init(url: "http://127.0.0.1:9")])
        config.serviceProvider = ServiceProviderSettings(
            keyPath: TestPaths.fixture("keys/sp.key"), certificatePath: TestPaths.fixture("keys/sp.crt"))
        config.identityProviders = settings
        return config
    }

    static func resolved(_ config: GatehouseConfig) throws -> ResolvedConfig {
        let registry = try IdentityProviderRegistry(documents: [
            ("a.xml", Array(try metadata(a).utf8)), ("b.xml", Array(try metadata(b).utf8)),
        ])
        return try ResolvedConfig(
            config: config, serviceProviderKeys: try ServiceProviderKeys.load(config.serviceProvider), registry: registry)
    }

    /// The real login service with both IdPs registered, at the fixed instant.
    static func service(_ config: GatehouseConfig, at now: Date = instant) throws -> SAMLLoginService {
        SAMLLoginService(resolved: try resolved(config), clock: ManualWallClock(now))
    }

    static func pending(at idp: String) -> PendingLogin {
        PendingLogin(
            relayState: SessionID.generate(), requestID: requestID, idpEntityID: idp, returnPath: "/",
            browserBindingHash: SessionID.hash("binding"), expiresAt: instant.addingTimeInterval(300))
    }

    /// An unsigned Assertion from `idp`.
    static func assertion(_ idp: String, _ content: Content = Content()) -> String {
        let now = SAMLInstant.format(instant)
        let expiry = SAMLInstant.format(content.notOnOrAfter)
        let answers = content.inResponseTo.map { " InResponseTo=\"\($0)\"" } ?? ""
        return """
            <saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a-\(UUID().uuidString.lowercased())" \
            Version="2.0" IssueInstant="\(now)"><saml:Issuer>\(idp)</saml:Issuer>\
            <saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">\(content.nameID)</saml:NameID>\
            <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">\
            <saml:SubjectConfirmationData\(answers) NotOnOrAfter="\(expiry)" Recipient="\(acsURL)"/></saml:SubjectConfirmation>\
            </saml:Subject><saml:Conditions NotBefore="\(SAMLInstant.format(instant.addingTimeInterval(-60)))" NotOnOrAfter="\(expiry)">\
            <saml:AudienceRestriction><saml:Audience>\(audience)</saml:Audience></saml:AudienceRestriction></saml:Conditions>\
            <saml:AuthnStatement AuthnInstant="\(now)" SessionIndex="_s-1"><saml:AuthnContext>\
            <saml:AuthnContextClassRef>\(content.authnContext)</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>\
            </saml:Assertion>
            """
    }

    /// `xml` with an enveloped signature by `idp`'s key on its root.
    static func signed(_ xml: String, by idp: String, algorithm: SignatureAlgorithm = .rsaSHA256, digest: DigestAlgorithm = .sha256)
        throws -> String
    {
        let bytes = try Signer.signEnveloped(Array(xml.utf8), key: try signingKey(idp), algorithm: algorithm, digest: digest)
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("<?xml"), let end = text.range(of: "?>") { text = String(text[end.upperBound...]) }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A Response from `idp` around `assertion` (an Assertion or EncryptedAssertion element).
    static func response(_ idp: String, around assertion: String, inResponseTo: String? = requestID) -> String {
        let answers = inResponseTo.map { " InResponseTo=\"\($0)\"" } ?? ""
        return """
            <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" \
            ID="_r-\(UUID().uuidString.lowercased())" Version="2.0" IssueInstant="\(SAMLInstant.format(instant))" \
            Destination="\(acsURL)"\(answers)><saml:Issuer>\(idp)</saml:Issuer>\
            <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>\
            \(assertion)</samlp:Response>
            """
    }

    /// The usual case: a Response around an Assertion signed by `idp`, base64 as posted.
    static func posted(_ idp: String, _ content: Content = Content(), algorithm: SignatureAlgorithm = .rsaSHA256) throws -> String {
        let digest: DigestAlgorithm = algorithm == .rsaSHA1 ? .sha1 : .sha256
        let assertion = try signed(assertion(idp, content), by: idp, algorithm: algorithm, digest: digest)
        return base64(response(idp, around: assertion, inResponseTo: content.inResponseTo))
    }

    static func base64(_ xml: String) -> String { Data(xml.utf8).base64EncodedString() }

    /// How to spoil an AES-CBC EncryptedAssertion.
    enum CBCFlaw {
        /// None: it decrypts to the assertion.
        case none
        /// The last plaintext byte, read as the padding length, becomes larger than a block:
        /// decryption itself fails.
        case padding
    }

    /// `assertion` in an EncryptedAssertion to `keys/sp.crt`: AES-256-CBC content (IV first, as
    /// XML Encryption puts it), RSA-OAEP (MGF1, SHA-1) key transport.
    static func encryptedCBC(_ assertion: String, flaw: CBCFlaw = .none) throws -> String {
        let contentKey = SymmetricKey(size: .bits256)
        let iv = try AES._CBC.IV(ivBytes: (0..<16).map { _ in UInt8.random(in: 0...255) })
        var cipher = Array(iv) + Array(try AES._CBC.encrypt(Array(assertion.utf8), using: contentKey, iv: iv))
        if flaw == .padding {
            // XOR into the previous block (or the IV) lands on the last plaintext byte: a
            // padding length of 1...16 becomes 0x21...0x3e.
            cipher[cipher.count - 17] ^= 0x30
        }
        let spKey = try _RSA.Encryption.PrivateKey(pemRepresentation: try text("keys/sp.key"))
        let wrapped = try spKey.publicKey.encrypt(contentKey.withUnsafeBytes { Array($0) }, padding: .PKCS1_OAEP)
        return """
            <saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" \
            xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Type="http://www.w3.org/2001/04/xmlenc#Element">\
            <xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc"/><ds:KeyInfo><xenc:EncryptedKey>\
            <xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p">\
            <ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/></xenc:EncryptionMethod>\
            <xenc:CipherData><xenc:CipherValue>\(wrapped.base64EncodedString())</xenc:CipherValue></xenc:CipherData>\
            </xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>\(Data(cipher).base64EncodedString())\
            </xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>
            """
    }

    /// The failure `completeLogin` throws, or nil when it accepts.
    static func failure(_ service: SAMLLoginService, _ response: String, pending: PendingLogin?) async -> LoginFailure? {
        do {
            _ = try await service.completeLogin(samlResponse: response, pending: pending)
            return nil
        } catch {
            return error
        }
    }
}
