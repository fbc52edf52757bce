import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The session a request names, as far as it is known without waiting.
enum SessionLookup: Sendable {
    /// No well-formed session cookie, or no live session by it.
    case none
    /// A well-formed cookie whose session is not in memory: the store must be asked.
    case unknown(id: String)
    /// A live session.
    case live(id: String, session: Session)
}

/// The facts about a request that the door decides on.
struct DoorRequest: Sendable {
    /// The method, as received.
    var method: String
    /// The request target as received (for forward-auth: the URI the proxy in front names).
    var target: String
    /// The `Accept` header; nil for WebSocket handshakes and forward-auth, which must never
    /// be redirected to a login page.
    var accept: String?
}

/// What the one door decided for a request outside the gateway's own pages.
enum DoorDecision: Sendable {
    /// Forward it (forward-auth: answer 200).
    case forward(DoorForward)
    /// Answer with a refusal instead.
    case refuse(DoorRefusal)
    /// The session is only in the store: ask it, then decide again with the answer.
    case needsStore(id: String)
    /// A path the gateway serves itself (SP endpoints, health, metrics, development IdP).
    case own
}

/// A request the door lets through.
struct DoorForward: Sendable {
    /// The target as read: the path that was authorized.
    var target: RequestTarget
    /// The upstream and what it is asked for; nil when the decision was asked without one
    /// (forward-auth, where the proxy in front forwards).
    var upstream: UpstreamTarget?
    /// The identity to send (nil on a public path).
    var identity: SessionIdentity?
    /// The session's ID hash, keying the runtime's identity-header cache.
    var sessionKey: String?
}

/// Why the door refuses a request; ``Gateway/refusalResponse(_:reference:live:logger:)`` renders it.
enum DoorRefusal: Sendable, Equatable {
    /// A target that cannot be read one way only: 400.
    case badRequest(PathRefusal)
    /// A browser without a session: redirect to login, then back to `returnPath`.
    case login(returnPath: String)
    /// A browser whose session lacks a required authentication context: redirect to a
    /// step-up login, then back to `returnPath`.
    case stepUp(returnPath: String)
    /// Any other client without a session: 401.
    case unauthenticated
    /// A signed-in user who misses a requirement: 403 naming it.
    case forbidden(rulePrefix: String, requirement: String, user: String)
    /// No upstream serves the path: 404.
    case notFound
}

extension Gateway {
    /// The one decision every proxied request, forward-auth call and WebSocket handshake
    /// passes. Pure: the request's facts, one configuration snapshot and the session (as far
    /// as it is known) in; forward, refuse, ask the store, or leave to the gateway's own
    /// routes out. Every route calls this; none re-implements a part of it.
    ///
    /// `ownPrefixes` are more path prefixes Gatehouse serves itself (the development IdP);
    /// `needsUpstream` is false for forward-auth, where the proxy in front picks the upstream.
    static func decide(
        _ request: DoorRequest, session: SessionLookup, live: GatewayRuntime, ownPrefixes: [String], needsUpstream: Bool = true
    ) -> DoorDecision {
        let target: RequestTarget
        switch RequestTarget.parse(request.target, settings: live.config.paths) {
        case .success(let parsed): target = parsed
        case .failure(let refusal): return .refuse(.badRequest(refusal))
        }
        if needsUpstream,
            isGatewayPath(target.path, config: live.config)
                || ownPrefixes.contains(where: { PathMatcher.matches(target.path, prefix: $0) })
        {
            return .own
        }
        var upstream: UpstreamTarget?
        if needsUpstream {
            guard let chosen = UpstreamTarget.choose(for: target, upstreams: live.config.upstreams) else {
                return .refuse(.notFound)
            }
            upstream = chosen
        }
        // Public paths need no session: never make them wait for the store.
        if live.policy.isPublic(target.path) {
            return .forward(DoorForward(target: target, upstream: upstream, identity: nil, sessionKey: nil))
        }
        var identified = AccessRequest(method: request.method, target: request.target, accept: request.accept, identity: nil)
        var sessionKey: String?
        switch session {
        case .none: break
        case .unknown(let id): return .needsStore(id: id)
        case .live(_, let session):
            identified.identity = session.identity
            sessionKey = session.idHash
        }
        switch live.policy.decideProtected(identified, path: target.path) {
        case .allowPublic:
            return .forward(DoorForward(target: target, upstream: upstream, identity: nil, sessionKey: nil))
        case .allow:
            return .forward(DoorForward(target: target, upstream: upstream, identity: identified.identity, sessionKey: sessionKey))
        case .badRequest(let refusal):
            return .refuse(.badRequest(refusal))
        case .redirectToLogin(let returnPath):
            return .refuse(.login(returnPath: returnPath))
        case .unauthenticated:
            return .refuse(.unauthenticated)
        case .forbidden(let prefix, let requirement):
            return .refuse(.forbidden(rulePrefix: prefix, requirement: requirement, user: identified.identity?.nameID ?? "unknown"))
        case .stepUp(let returnPath):
            return .refuse(.stepUp(returnPath: returnPath))
        }
    }

    /// ``decide(_:session:live:ownPrefixes:needsUpstream:)`` for a handler that may wait:
    /// when memory lacks the session, the store is asked and the door decides again.
    /// Returns the decision and the session it was made with.
    func decideAwaitingStore(
        _ request: DoorRequest, fields: HTTPFields, live: GatewayRuntime, ownPrefixes: [String], needsUpstream: Bool = true,
        logger: Logger
    ) async -> (DoorDecision, SessionLookup) {
        await decideAwaitingStore(
            request, session: sessionLookup(fields, live: live), live: live, ownPrefixes: ownPrefixes, needsUpstream: needsUpstream,
            logger: logger)
    }

    /// ``decideAwaitingStore(_:fields:live:ownPrefixes:needsUpstream:logger:)`` starting from
    /// a session lookup already made (the one ``GatewayMiddleware`` put in the context).
    func decideAwaitingStore(
        _ request: DoorRequest, session: SessionLookup, live: GatewayRuntime, ownPrefixes: [String], needsUpstream: Bool = true,
        logger: Logger
    ) async -> (DoorDecision, SessionLookup) {
        var lookup = session
        var decision = Self.decide(request, session: lookup, live: live, ownPrefixes: ownPrefixes, needsUpstream: needsUpstream)
        if case .needsStore(let id) = decision {
            lookup = await lookUpSession(id, logger: logger)
            decision = Self.decide(request, session: lookup, live: live, ownPrefixes: ownPrefixes, needsUpstream: needsUpstream)
        }
        return (decision, lookup)
    }

    /// What is known of the session named by `fields`' cookie without waiting: in memory
    /// (the memory store; a SQLite session read recently, in the ``CachedSessionStore``), or
    /// only in the store.
    func sessionLookup(_ fields: HTTPFields, live: GatewayRuntime) -> SessionLookup {
        guard let id = Self.cookie(live.config.cookie.name, in: fields), SessionID.isWellFormed(id) else { return .none }
        guard let session = store.cachedSession(id) else { return .unknown(id: id) }
        return .live(id: id, session: session)
    }

    /// The store's answer for session `id`: `.live` or `.none` (also when the store failed,
    /// which is logged: the request is then treated as one without a session).
    func lookUpSession(_ id: String, logger: Logger) async -> SessionLookup {
        do {
            guard let session = try await store.get(id) else { return .none }
            return .live(id: id, session: session)
        } catch {
            logger.error("session store failed", metadata: ["error": "\(error)"])
            return .none
        }
    }

    /// Records that session `id` was used, when the store says a use is due
    /// (``SessionStore/shouldTouch(_:)``). The write is not waited for; no task is started
    /// when none is due.
    func touchIfDue(_ lookup: SessionLookup, live: GatewayRuntime, logger: Logger) {
        guard case .live(let id, let session) = lookup, store.shouldTouch(session) else { return }
        let store = self.store
        Task {
            do {
                try await store.touch(id)
            } catch {
                logger.error("session store failed to record use", metadata: ["error": "\(error)"])
            }
        }
    }

    /// The one rendering of a refusal: the page or JSON body, with its status, logged and
    /// counted. Used by the proxy, WebSocket handshakes and (for 400) forward-auth.
    func refusalResponse(_ refusal: DoorRefusal, reference: String, live: GatewayRuntime, logger: Logger) -> (HTTPResponse, ByteBuffer) {
        var fields: HTTPFields = [.cacheControl: "no-store"]
        let status: HTTPResponse.Status
        let body: String
        switch refusal {
        case .badRequest(let reason):
            logger.notice("request refused", metadata: ["http.refusal": "\(reason.rawValue)"])
            status = .badRequest
            body = pages.render(
                MessagePage(
                    title: "Bad request", heading: "This address cannot be served",
                    message: reason.reason, advice: "Check the link, or give your administrator the reference below.",
                    check: reason.rawValue, reference: reference))
        case .login(let returnPath):
            status = .found
            fields[.location] = live.config.routePath("login") + "?rd=" + Self.queryEncode(returnPath)
            body = ""
        case .stepUp(let returnPath):
            status = .found
            fields[.location] = live.config.routePath("login") + "?rd=" + Self.queryEncode(returnPath) + "&step_up=1"
            body = ""
        case .unauthenticated:
            status = .unauthorized
            fields[.wwwAuthenticate] = "SAML"
            body = Self.jsonText(Unauthenticated(login: live.config.routePath("login")))
        case .forbidden(let prefix, let requirement, let user):
            logger.notice(
                "access denied",
                metadata: ["access.rule": "\(prefix)", "access.requirement": "\(requirement)", "saml.nameid": "\(user)"])
            status = .forbidden
            body = pages.render(MessagePage.accessDenied(requirement: requirement, user: user, reference: reference))
        case .notFound:
            status = .notFound
            body = pages.render(MessagePage(title: "Not found", heading: "Not found", message: "Nothing is served at this address."))
        }
        if !body.isEmpty {
            fields[.contentType] = refusal == .unauthenticated ? "application/json" : "text/html; charset=utf-8"
        }
        fields[.contentLength] = String(body.utf8.count)
        metrics.refused(status: status.code)
        return (HTTPResponse(status: status, headerFields: fields), ByteBuffer(string: body))
    }

    /// The same response as a Hummingbird `Response`, for the routes that answer through the router.
    func refusal(_ refusal: DoorRefusal, reference: String, live: GatewayRuntime, logger: Logger) -> Response {
        let (head, body) = refusalResponse(refusal, reference: reference, live: live, logger: logger)
        return Response(status: head.status, headers: head.headerFields, body: .init(byteBuffer: body))
    }

    static func jsonText(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
