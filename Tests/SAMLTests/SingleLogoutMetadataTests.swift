import Foundation
import SAML
import Testing
import XMLSecurity

/// The IdP's SingleLogoutService endpoints, as metadata gives them to Single Logout.
@Suite struct SingleLogoutMetadataTests {
    static func metadata() throws -> String {
        let certificate = try Fixture.key("idp-rsa.crt").split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return """
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com/metadata">
              <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(certificate)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
                <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:SOAP" Location="https://idp.example.com/slo/soap"/>
                <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/slo/redirect" ResponseLocation="https://idp.example.com/slo/redirect/done"/>
                <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/slo/post"/>
                <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
              </md:IDPSSODescriptor>
            </md:EntityDescriptor>
            """
    }

    @Test func everySingleLogoutBindingKeepsItsLocationAndResponseLocation() throws {
        let entity = try #require(try SAMLMetadata(parsing: try Self.metadata()).entity(Fixture.idpEntityID))
        let descriptor = try #require(entity.identityProvider)
        #expect(descriptor.singleLogoutServices.map(\.binding) == [SAMLBinding.soap, SAMLBinding.httpRedirect, SAMLBinding.httpPOST])
        let redirect = try #require(descriptor.singleLogoutService(binding: SAMLBinding.httpRedirect))
        #expect(redirect.location == "https://idp.example.com/slo/redirect")
        #expect(redirect.responseLocation == "https://idp.example.com/slo/redirect/done")
        #expect(redirect.responseURL == "https://idp.example.com/slo/redirect/done")
        let post = try #require(descriptor.singleLogoutService(binding: SAMLBinding.httpPOST))
        #expect(post.responseLocation == nil)
        #expect(post.responseURL == "https://idp.example.com/slo/post")
    }

    @Test func identityProviderFromMetadataCarriesItsLogoutEndpoints() async throws {
        let idp = try IdentityProvider(try #require(try SAMLMetadata(parsing: try Self.metadata()).entity(Fixture.idpEntityID)))
        #expect(idp.singleLogoutServices.count == 3)
        #expect(idp.singleLogoutService(binding: SAMLBinding.soap)?.location == "https://idp.example.com/slo/soap")
        // The SP-initiated request goes to the Redirect Location (not the ResponseLocation).
        let built = try #require(
            try LogoutFixture.builder().request(
                for: LogoutSubject(nameID: "ada@example.com"), to: idp, relayState: nil, now: LogoutFixture.now))
        #expect(built.request.destination == "https://idp.example.com/slo/redirect")
        // The aggregate's main IdP lists Redirect and POST.
        let main = try #require(try Fixture.identityProviders().first { $0.entityID == Fixture.idpEntityID })
        #expect(main.singleLogoutServices.map(\.location) == ["https://idp.example.com/slo/redirect", "https://idp.example.com/slo/post"])
    }

    @Test func spMetadataOffersTheSOAPEndpointWhenConfigured() throws {
        var metadata = ServiceProviderMetadata(entityID: Fixture.spEntityID, assertionConsumerServiceURL: Fixture.acsURL)
        metadata.singleLogoutServices = [
            Endpoint(binding: SAMLBinding.httpRedirect, location: LogoutFixture.slo),
            Endpoint(binding: SAMLBinding.httpPOST, location: LogoutFixture.slo),
        ]
        let sp = { (metadata: ServiceProviderMetadata) throws -> [XMLElement] in
            try XMLDocument(parsing: metadata.xml).root.firstChild(named: "SPSSODescriptor", namespace: SAMLNamespace.metadata)?
                .children(named: "SingleLogoutService", namespace: SAMLNamespace.metadata) ?? []
        }
        #expect(try sp(metadata).map { $0.attribute("Binding") } == [SAMLBinding.httpRedirect, SAMLBinding.httpPOST])
        metadata.singleLogoutServices.append(Endpoint(binding: SAMLBinding.soap, location: LogoutFixture.soap))
        let services = try sp(metadata)
        #expect(services.map { $0.attribute("Binding") } == [SAMLBinding.httpRedirect, SAMLBinding.httpPOST, SAMLBinding.soap])
        #expect(services.last?.attribute("Location") == LogoutFixture.soap)
    }
}
