import CLibXMLSec

/// One-time, process-wide initialisation of libxml2 and xmlsec (OpenSSL back end).
enum XMLSecurityLibrary {
    /// Runs the initialisation once; every later call returns the stored outcome.
    static func ensureInitialized() throws(XMLSecurityError) {
        try state.get()
        // libxml2 keeps its error handlers per thread: silence them on whichever thread runs us.
        gh_silence_errors()
    }

    // A global `let` is initialised exactly once, atomically, on first use.
    private static let state: Result<Void, XMLSecurityError> = initialize()

    private static func initialize() -> Result<Void, XMLSecurityError> {
        xmlInitParser()
        gh_silence_errors()
        // Nothing is ever loaded from outside the message: no DTDs, no external entities.
        gh_install_entity_loader()
        guard gh_abi_check() == 1 else {
            return .failure(
                XMLSecurityError(
                    code: .libraryMismatch,
                    detail: "xmlsec headers and library disagree on xmlSecSize (\(gh_xmlsec_size_width()) bytes here)"))
        }
        guard xmlSecInit() >= 0 else {
            return .failure(XMLSecurityError(code: .libraryFailure, detail: "xmlSecInit failed"))
        }
        guard xmlSecCheckVersionExt(1, 2, 37, xmlSecCheckVersionABICompatible) == 1 else {
            return .failure(XMLSecurityError(code: .libraryMismatch, detail: "xmlsec library is not ABI compatible with 1.2.37"))
        }
        gh_silence_xmlsec_errors()
        guard xmlSecOpenSSLAppInit(nil) >= 0, xmlSecOpenSSLInit() >= 0 else {
            return .failure(XMLSecurityError(code: .libraryFailure, detail: "xmlsec OpenSSL initialisation failed"))
        }
        return .success(())
    }

    /// Size in bytes of `xmlSecSize` as our headers see it (4 on Debian 12's build).
    static var sizeWidth: Int { gh_xmlsec_size_width() }
}

/// Facts about the linked XML-security libraries, for diagnostics and the ABI test.
public enum XMLSecurityLibraryInfo {
    /// Initialises the libraries and checks that the headers match the library's ABI.
    public static func check() throws(XMLSecurityError) {
        try XMLSecurityLibrary.ensureInitialized()
    }

    /// `sizeof(xmlSecSize)` as compiled into Gatehouse.
    public static var xmlSecSizeWidth: Int { XMLSecurityLibrary.sizeWidth }
}
