import CLibXMLSec

extension XMLElement {
    /// The exclusive canonical form (Exclusive XML Canonicalization 1.0) of this element and
    /// its descendants. `inclusiveNamespaces` is the InclusiveNamespaces PrefixList
    /// (`#default` names the default namespace).
    public func exclusiveCanonicalForm(
        inclusiveNamespaces: [String] = [], withComments: Bool = false
    ) throws(XMLSecurityError) -> [UInt8] {
        try XMLSecurityLibrary.ensureInitialized()
        guard let output = xmlAllocOutputBuffer(nil) else {
            throw XMLSecurityError(code: .libraryFailure, detail: "out of memory")
        }
        defer { xmlOutputBufferClose(output) }
        // C strings for the prefix list, NULL-terminated, freed after the call.
        var prefixes: [UnsafeMutablePointer<xmlChar>?] = inclusiveNamespaces.map { xmlStrdup($0) }
        defer { for prefix in prefixes { gh_xml_free(prefix) } }
        prefixes.append(nil)
        let status = prefixes.withUnsafeMutableBufferPointer { list in
            gh_c14n_subtree(
                storage.pointer, node, Int32(XML_C14N_EXCLUSIVE_1_0.rawValue),
                inclusiveNamespaces.isEmpty ? nil : list.baseAddress, withComments ? 1 : 0, output)
        }
        guard status >= 0, let content = gh_output_content(output) else {
            throw XMLSecurityError(code: .libraryFailure, detail: "canonicalization failed")
        }
        return Array(UnsafeBufferPointer(start: content, count: gh_output_size(output)))
    }
}
