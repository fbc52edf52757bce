/// The auto-submitting form of the HTTP-POST binding (Bindings §3.5.4), as data and as HTML.
public struct PostForm: Sendable, Equatable {
    /// Where the browser posts it.
    public var action: String
    /// `SAMLRequest` or `SAMLResponse`.
    public var parameter: HTTPRedirectBinding.Parameter
    /// The base64 of the signed XML.
    public var value: String
    /// RelayState, if any.
    public var relayState: String?
    /// The page title shown while the form posts itself.
    public var title: String

    /// Creates a form.
    public init(
        action: String, parameter: HTTPRedirectBinding.Parameter, value: String, relayState: String? = nil, title: String = "Signing out…"
    ) {
        self.action = action
        self.parameter = parameter
        self.value = value
        self.relayState = relayState
        self.title = title
    }

    /// A minimal page that posts the form on load (with a button when scripts are off).
    public var html: String {
        HTTPPostBinding.form(action: action, parameter: parameter, value: value, relayState: relayState, title: title)
    }
}
