import Foundation

/// Base64 as SAML bindings carry it: whitespace and line breaks tolerated, nothing else.
enum Base64Text {
    static func decode(_ text: String) -> [UInt8]? {
        // Byte-wise: this runs on every posted response (the hot ACS path), and filtering
        // Unicode scalars into a new String cost more than the signature check.
        var compact = [UInt8]()
        compact.reserveCapacity(text.utf8.count)
        for byte in text.utf8 where !(byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09) {
            compact.append(byte)
        }
        guard let data = Data(base64Encoded: Data(compact)) else { return nil }
        return [UInt8](data)
    }

    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}
