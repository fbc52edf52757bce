import Foundation

/// The JSON body of `<prefix>/whoami`.
struct WhoAmI: Encodable {
    var nameID: String
    var nameIDFormat: String?
    var issuer: String
    var attributes: [String: [String]]
    var sessionExpiresAt: String
}

/// The JSON body of a 401.
struct Unauthenticated: Encodable {
    var error = "unauthenticated"
    var message = "Sign in first."
    var login: String
}
