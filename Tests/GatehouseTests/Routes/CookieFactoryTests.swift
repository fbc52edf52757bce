import Gatehouse
import Testing

@Suite struct CookieFactoryTests {
    let factory = CookieFactory(settings: CookieSettings(), routePrefix: "/saml")

    @Test func sessionCookieIsHttpOnlyLaxAndSecure() {
        #expect(factory.session("abc") == "gatehouse_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure")
    }

    @Test func sessionCookieDropsSecureOnlyWhenDisabled() {
        let local = CookieFactory(settings: CookieSettings(secure: false, domain: "example.com"), routePrefix: "/saml")
        #expect(local.session("abc") == "gatehouse_session=abc; Path=/; HttpOnly; SameSite=Lax; Domain=example.com")
    }

    @Test func pendingLoginCookieIsCrossSiteCapableAndScoped() {
        let local = CookieFactory(settings: CookieSettings(secure: false), routePrefix: "/saml")
        #expect(
            local.pendingLogin("xyz", maxAge: 600)
                == "gatehouse_session_login=xyz; Path=/saml; HttpOnly; SameSite=None; Secure; Max-Age=600")
    }

    @Test func clearingCookiesExpiresThem() {
        #expect(factory.clearSession().hasSuffix("Max-Age=0"))
        #expect(factory.clearPendingLogin().hasPrefix("gatehouse_session_login=;"))
    }
}
