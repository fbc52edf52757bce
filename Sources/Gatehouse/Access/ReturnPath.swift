import Foundation

/// Validation of the place a browser is sent after login or logout: same-origin paths only.
public enum ReturnPath {
    /// The longest return path kept.
    public static let maxLength = 2048

    /// `candidate` if it is a same-origin path (with optional query), else nil.
    ///
    /// Refuses `//host`, `/\host`, `http:host`, any backslash or control character, and the
    /// percent-encoded forms of each (decoded repeatedly), which browsers would otherwise
    /// read as another origin (mod_auth_mellon CVE-2019-3877 and CVE-2019-13038).
    public static func validate(_ candidate: String) -> String? {
        guard !candidate.isEmpty, candidate.utf8.count <= maxLength else { return nil }
        var layer = candidate
        for _ in 0..<4 {
            guard isSafeLayer(layer) else { return nil }
            guard let decoded = layer.removingPercentEncoding, decoded != layer else { return candidate }
            layer = decoded
        }
        // Still decoding after four rounds: nobody writes that for a real link.
        return nil
    }

    /// Like ``validate(_:)``, but also accepts an absolute URL whose origin is `externalURL`
    /// (Traefik and Caddy pass `rd=` that way) and returns its path and query.
    public static func validate(_ candidate: String, externalURL: String) -> String? {
        if candidate.hasPrefix("/") { return validate(candidate) }
        guard let url = URLComponents(string: candidate), let base = URLComponents(string: externalURL),
            url.scheme?.lowercased() == base.scheme?.lowercased(), url.host?.lowercased() == base.host?.lowercased(),
            url.port == base.port, url.user == nil, url.password == nil
        else { return nil }
        let path = url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath
        let query = url.percentEncodedQuery.map { "?" + $0 } ?? ""
        return validate(path + query)
    }

    private static func isSafeLayer(_ text: String) -> Bool {
        guard text.hasPrefix("/") else { return false }
        let scalars = Array(text.unicodeScalars.prefix(2))
        if scalars.count == 2, scalars[1] == "/" || scalars[1] == "\\" { return false }
        for scalar in text.unicodeScalars {
            if scalar == "\\" || scalar.value < 0x20 || scalar.value == 0x7f { return false }
            // Unicode line/paragraph separators and the like have no place in a path either.
            if scalar.properties.generalCategory == .lineSeparator
                || scalar.properties.generalCategory == .paragraphSeparator
                || scalar.properties.generalCategory == .control
            {
                return false
            }
        }
        return true
    }
}
