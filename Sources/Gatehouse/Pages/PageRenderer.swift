import Mustache

/// Renders the user-facing HTML pages from the embedded Mustache templates.
public struct PageRenderer: Sendable {
    private let library: MustacheLibrary

    /// A renderer with the built-in templates.
    public init() {
        var library = MustacheLibrary()
        // The templates are compile-time constants; a parse failure is a programming error
        // caught by the page tests.
        for (name, text) in [
            ("head", PageTemplates.head), ("foot", PageTemplates.foot), ("message", PageTemplates.message),
            ("chooser", PageTemplates.chooser),
        ] {
            try? library.register(text, named: name)
        }
        self.library = library
    }

    /// A message page (error, denied, logged out, upstream failure).
    public func render(_ page: MessagePage) -> String {
        var values: [String: Any] = [
            "title": page.title, "heading": page.heading, "message": page.message,
        ]
        if let advice = page.advice { values["advice"] = advice }
        if let action = page.action {
            values[action.method == .post ? "formURL" : "actionURL"] = action.url
            values["actionLabel"] = action.label
        }
        if let check = page.check { values["check"] = check }
        if let reference = page.reference { values["reference"] = reference }
        return library.render(values, withTemplate: "message") ?? page.message
    }

    /// The IdP chooser listing `choices`, each linking to its login URL.
    public func renderChooser(
        choices: [(name: String, url: String, searchText: String)], query: String, loginPath: String, returnPath: String
    ) -> String {
        let idps: [[String: Any]] = choices.map { ["name": $0.name, "url": $0.url, "searchText": $0.searchText] }
        let values: [String: Any] = [
            "title": "Sign in", "idps": idps, "query": query, "loginPath": loginPath, "returnPath": returnPath,
        ]
        return library.render(values, withTemplate: "chooser") ?? "Choose an identity provider."
    }
}
