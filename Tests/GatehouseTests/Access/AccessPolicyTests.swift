import Gatehouse
import Testing

@Suite struct AccessPolicyTests {
    let policy = AccessPolicy(
        publicPaths: ["/static", "/favicon.ico"],
        rules: [
            AccessRule(prefix: "/admin", anyGroups: ["admins", "root"]),
            AccessRule(prefix: "/admin/finance", attributes: ["department": ["finance"]]),
        ])
    let staff = SessionIdentity(nameID: "bob", issuer: "i", attributes: ["groups": ["staff"]])
    let admin = SessionIdentity(
        nameID: "alice", issuer: "i", attributes: ["groups": ["admins"], "department": ["it"]])

    func request(_ target: String, method: String = "GET", accept: String? = "text/html,*/*", identity: SessionIdentity? = nil)
        -> AccessRequest
    {
        AccessRequest(method: method, target: target, accept: accept, identity: identity)
    }

    @Test func publicPathsNeedNoSession() {
        #expect(policy.decide(request("/static/app.css", accept: nil)) == .allowPublic)
        #expect(policy.decide(request("/favicon.ico", method: "POST")) == .allowPublic)
    }

    @Test func publicPrefixMatchesWholeSegmentsOnly() {
        #expect(policy.decide(request("/staticfile", accept: nil)) == .unauthenticated)
    }

    @Test func traversalOutOfAPublicPathIsNotPublic() {
        #expect(policy.decide(request("/static/../admin", accept: nil)) == .unauthenticated)
        #expect(policy.decide(request("/static/%2e%2e/admin", accept: nil)) == .unauthenticated)
    }

    @Test func browserNavigationWithoutSessionGoesToLoginKeepingPathAndQuery() {
        #expect(policy.decide(request("/docs/a?page=2&q=x")) == .redirectToLogin(returnPath: "/docs/a?page=2&q=x"))
        #expect(policy.decide(request("/docs", method: "HEAD")) == .redirectToLogin(returnPath: "/docs"))
    }

    @Test func nonBrowserWithoutSessionGets401() {
        #expect(policy.decide(request("/api", accept: "application/json")) == .unauthenticated)
        #expect(policy.decide(request("/api", accept: nil)) == .unauthenticated)
        #expect(policy.decide(request("/form", method: "POST")) == .unauthenticated)
    }

    @Test func signedInUserOutsideAnyRuleIsAllowed() {
        #expect(policy.decide(request("/docs", identity: staff)) == .allow)
    }

    @Test func missingGroupIsNamedInTheRefusal() {
        let decision = policy.decide(request("/admin/users", identity: staff))
        #expect(decision == .forbidden(rulePrefix: "/admin", requirement: "membership in one of the groups: admins, root"))
    }

    @Test func encodedPathCannotDodgeARule() {
        #expect(policy.decide(request("/%61dmin", identity: staff)) != .allow)
        #expect(policy.decide(request("//admin", identity: staff)) != .allow)
        #expect(policy.decide(request("/x/../admin", identity: staff)) != .allow)
    }

    @Test func longestPrefixRuleApplies() {
        #expect(policy.decide(request("/admin/users", identity: admin)) == .allow)
        #expect(
            policy.decide(request("/admin/finance/q1", identity: admin))
                == .forbidden(rulePrefix: "/admin/finance", requirement: "attribute department with one of the values: finance"))
    }

    @Test func ruleWithGroupsAndAttributesNeedsBoth() {
        let strict = AccessPolicy(
            publicPaths: [], rules: [AccessRule(prefix: "/", anyGroups: ["admins"], attributes: ["department": ["ops"]])])
        guard case .forbidden(_, let requirement) = strict.decide(request("/", identity: admin)) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(requirement.contains("department"))
    }

    /// Rules hold under the case-folded reading too, and a looser rule for a more specific
    /// prefix never lets another spelling of it skip the stricter rule above it (an IIS
    /// upstream serves `/docs/open` for `/docs/OPEN`, a case-sensitive one serves something else).
    @Test func foldedReadingKeepsTheStricterRule() {
        let policy = AccessPolicy(
            publicPaths: [],
            rules: [AccessRule(prefix: "/docs", anyGroups: ["admins"]), AccessRule(prefix: "/docs/open", anyGroups: ["staff"])])
        #expect(policy.decide(request("/docs/open/a", identity: staff)) == .allow)
        #expect(policy.decide(request("/DOCS/x", identity: staff)) != .allow)
        #expect(policy.decide(request("/docs/OPEN/a", identity: staff)) != .allow)
        #expect(policy.decide(request("/docs./x", identity: staff)) != .allow)
        var sensitive = policy
        sensitive.paths.ruleCase = .sensitive
        #expect(sensitive.decide(request("/DOCS/x", identity: staff)) == .allow)
    }
}
