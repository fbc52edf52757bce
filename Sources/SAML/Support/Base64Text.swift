import Foundation

/// Base64 as SAML bindings carry it: whitespace and line breaks tolerated, nothing else.
enum Base64Text {
    static func decode(_ text: String) -> [UInt8]? {
        let compact = String(text.unicodeScalars.filter { !($0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t") })
        guard let data = Data(base64Encoded: compact) else { return nil }
        return [UInt8](data)
    }

    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}
